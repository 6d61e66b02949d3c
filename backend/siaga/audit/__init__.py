"""The audit writer: who did what to which entity, recorded with the change itself.

A low layer every service uses, importing only core and models; reading the trail back
(the page and its exports) is siaga.audit_trail.
"""
