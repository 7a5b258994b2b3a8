"""The public map (`[web] public = true`): tickets as anyone may see them.

Only the fields of `PublicTicket` ever reach a public page or its data calls: no reporter's
name, id or phone number, no description or address as typed, no notes, no staff names.
"""
