// Package generic is a correct, stateful API served from any OpenAPI
// document: the yardstick that idemcheck must pass on (issue 23). It
// behaves like a correct real-world API of the document, not like what
// idemcheck happens to infer.
//
//	srv, err := generic.Open("stripe-spec3.yaml", generic.Options{})
//	http.ListenAndServe("127.0.0.1:8080", srv)
//	srv.Invalid() // the requests it refused as invalid for the document
//
// # Every request is validated
//
// Each request is validated against the document with kin-openapi's
// openapi3filter.ValidateRequest (parameters, headers, cookies, path
// parameter schemas, JSON, form and multipart bodies; security is not
// checked). An invalid request gets 400 and is recorded in Invalid. A path
// or method the document does not have gets 404 or 405 and is recorded in
// Unrouted. The document is loaded with kin-openapi itself (load.go says
// what is patched so that real documents load). Three of the document's
// own mistakes are read as their authors meant them, each a document
// issue: a query parameter that declares style deepObject on an array
// (Stripe's expand) is read as a form array, since kin-openapi refuses
// every request with a query string to such an operation; an OpenAPI 3.1
// schema's nullable, no keyword of 3.1, is ignored, as kin-openapi's 3.1
// validation does; and a list's count that its schema does not allow is
// left out (below). A 3.1 document that uses no keyword only JSON Schema
// 2020-12 has is validated with kin-openapi's OpenAPI validator, which
// checks the same keywords without compiling the schema on every call
// (validview.go).
//
// # What each operation does
//
// Paths are compared with their parameter names erased and a format
// extension dropped: Twilio's /Accounts/{AccountSid}/Calls.json and
// /Accounts/{AccountSid}/Calls/{Sid}.json are the collection
// /Accounts/{}/Calls and its resources /Accounts/{}/Calls/{}. A path key's
// #fragment (Box) is not part of the path. Then:
//
//   - A resource path ends in a parameter. Its collection is the path
//     without that parameter, whether or not the document has operations
//     on it (Adyen has none on /payments/{paymentPspReference}, only under
//     it).
//   - A collection is a path ending in a literal under which the document
//     has a resource path, or whose GET answers a list and which has a
//     POST (the refunds of /v1/payments/{id}/refunds, read only as a
//     list). GET lists its resources; POST creates one, with
//     an id made valid for the schema of the path parameter naming it
//     (ids.go), 201 when declared, and a Location header when the
//     document declares one (Stripe and Adyen send none: a client finds
//     the id in the body).
//   - PUT on a resource whose collection has no creating POST, and that
//     declares 201 Created, creates or replaces it with the client's id
//     (an upsert: the same PUT twice leaves the same state). Any other PUT
//     (Box's PUT /files/{file_id} declares only 200) replaces an existing
//     resource. A PUT or POST on a resource path whose operationId or
//     summary says it upserts (Square's UpsertMerchantCustomAttribute)
//     creates or replaces too. PATCH, and POST on a resource path, merge
//     the body into an existing resource.
//   - DELETE removes; a second DELETE gets 404.
//   - A path ending in a literal with no resources under it is a singleton
//     (GET reads it, PUT upserts it, PATCH and POST update it, DELETE
//     deletes it) when the document reads it with GET, and otherwise an
//     action (Stripe's /v1/payment_intents/{intent}/confirm, every Plaid
//     operation): it is processed and answered, and changes nothing
//     stored. A singleton has no id (DigitalOcean's /v2/projects/default
//     is not a project called "default") and is not listed with the
//     collection its path ends in.
//
// Every resource a path names must exist first, or the request gets 404:
// a refund under a payment that was never created, a read of a deleted
// customer. A resource the document gives no way to create (no creating
// POST on its collection, no upserting PUT) exists until it is deleted:
// the server is a sandbox that already holds every such resource, so any
// id valid for its parameter names one.
//
// # Responses
//
// A response is generated from the schema of the chosen status (the
// preferred one when declared, else the lowest 2xx), deterministically from
// the resource, so a stored resource reads back the same every time (an
// action's answer is generated anew for each request it processes). Its
// id goes in the property a real API's client reads it from to name the
// resource in a later path; idfield.go has the rules, strongest first:
//
//  1. the path parameter's own name: Twilio's {Sid} is sid, Cashfree's
//     {order_id} order_id, DigitalOcean's {username} user.name;
//  2. the one property whose example, else whose pattern, is the
//     parameter's: DigitalOcean's {namespace_id} has the example
//     fn-xxxxxxxx-…, which is the namespace's namespace ("a unique string
//     format of UUID with a prefix fn-", the curl samples' path), not its
//     uuid; {reserved_ipv6} is the ip ("It also serves as its
//     identifier"); {tag_id} is the tag's name, which has its pattern;
//  3. when the parameter names the resource itself (its words are its
//     collection's noun, alone or with an id word), the resource's own id:
//     Stripe's {promotion_code} is the promotion code's id (promo_…), not
//     its code, as {customer} is a customer's id; then another id word
//     alone (uuid, sid); then the noun with an id word: Cashfree's
//     customer has no id, and {customer_id} is its customer_uid ("unique
//     id generated by cashfree for your customer"); a log sink's
//     {logsink_id} is the sink_id of {"sink": {…}}; Square's
//     {terminal_refund_id} is the terminal refund's id, not its refund_id
//     (the payment refund it made);
//  4. the parameter's last words, from an id word on: Adyen's
//     {paymentPspReference} is pspReference, {droplet_id} is id;
//  5. id.
//
// The property may be one envelope down when the response wraps the
// resource (DigitalOcean's {"droplet": {...}}), in an envelope named after
// it or when the top level has no scalar of its own: another object of the
// resource (Box's folder lock has the folder it locks) is not where its id
// is. A property naming one of the request's other path parameters is
// never the resource's id: DigitalOcean's POST
// /v2/gen-ai/agents/{agent_uuid}/functions answers the agent, whose uuid
// stays the agent's. A create whose answer has no such property (Box's
// taxonomy levels answer the list of levels, Twilio's caller id request
// a validation code, DigitalOcean's NAT gateway create leaves out the id
// its read has) creates a resource the client cannot name, as the real
// API's answer does. The path's other parameters fill the properties of
// their names (a call's account_sid, the agent's uuid of {"agent":
// {"uuid"}}), and the request's fields are echoed where the response has a
// property of the same name, case and separators aside (Twilio's
// FriendlyName is friendly_name). A list answers the collection's
// resources, newest first, at the top level or in the envelope's array
// property (data, items, entries, …, or the one named after the
// collection), the envelope's other fields generated, a page no longer
// than the array's maxItems or the limit, page_size or per_page query
// parameter asks, its has_more true to it, and its count the number of
// resources where the count's schema allows it (PayPal's vault counts 1
// to 50: an empty vault or a fuller one leaves the optional total_items
// out). An error answer is generated from the schema the operation
// declares for its status (or its default response), its message where
// that schema allows it; every answer names its request in a Request-Id
// header.
//
// # Idempotency
//
// idem.go implements the reference semantics of idemcheck's DESIGN.md:
// stored replay with Idempotent-Replayed: true, 409 in flight, 422 on a key
// reused with another request, keys scoped per principal (the credentials
// the security schemes name) and operation. The key is read where the
// document declares it (keyloc.go), else from Options.KeyHeader.
//
// # What is recorded
//
// Invalid, Unrouted, Problems (a response of the server's own that is not
// valid for the document, with Options.CheckResponses: the server's bugs)
// and DocumentIssues (answers no server of the document can give validly,
// such as a oneOf whose alternatives all accept the same values). The
// sweep (sweep_test.go) checks every real-world document and example
// against them.
package generic
