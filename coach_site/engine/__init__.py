"""The one seam into MkDocs and Material for MkDocs: nothing else imports them."""
