import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach, beforeEach } from "vitest";
import i18n from "../i18n";

// The default 1 s for findBy/waitFor is too tight for lazily loaded pages on a
// busy CI runner; a real failure still fails, only later.
configure({ asyncUtilTimeout: 3000 });

beforeEach(async () => {
  localStorage.clear();
  await i18n.changeLanguage("id");
});

afterEach(() => {
  cleanup();
});
