"""The audit trail read back: the administrator's page of events and its exports.

The writer every service uses (Actor, record) is siaga.audit, which knows no HTTP; this
package is the feature built on top of it, so auth can audit without importing it.
"""
