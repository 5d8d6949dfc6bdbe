"""The staff web desk's core: web logins, sessions, the audit log and knowledge-gap marks.

No web framework here (the core never imports one): handlers/desk/ turns HTTP into calls on
these modules, inside one transaction per request.
"""
