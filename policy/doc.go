// Package policy will hold identities (staff accounts, sessions, API tokens)
// and authorization: the Casbin model (RBAC with a domain per tenant), the
// policy store and its multi-node sync, behind one small interface,
// Allowed(ctx, subject, tenant, object, action). Nothing outside policy will
// import Casbin.
//
// The first slice of Plaza is public and read-only on the web; publishing
// happens from the command line by whoever holds the data folder. The
// package is empty until the staff features (web publishing, requests)
// arrive; it exists now so the layout says where that decision lives.
package policy
