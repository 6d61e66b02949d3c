"""E-mail: the channel that mails events to the people the inbox notifies (if they chose
it), the SMTP sender, the messages in Bahasa Indonesia, each user's choices, and the
scheduled reminders (deadlines, daily digests, overdue recommendations)."""
