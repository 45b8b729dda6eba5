"""Okta's known error answers: for each error code and description, what happened, the cause and the fix.

The keys are Okta's own error codes and descriptions (FACTS.md §2–§4); the explanations are ours.
"""

from __future__ import annotations

from oktatool.core.errors import Hint, joined
from oktatool.core.okta.explain_builders import (
    dpop_missing,
    first_scope,
    insufficient_scope,
    kid_invalid,
    no_policy,
    no_role,
    scopes_not_allowed,
    token_url,
    unknown_client,
    unknown_custom_scope,
)
from oktatool.core.okta.explanation import Builder, Explanation

#: where the Okta-ready public key set comes from, in each interface
_JWKS_PUBLIC = Hint("oktatool convert KEY --format jwks-public", window="the Keys tab's Okta JWKS output")
#: how a DPoP-bound token is used, in each interface
_USE_DPOP = Hint("oktatool api --dpop", window="DPoP in the profile, Edit profiles…")


def _e(what: str, cause: str, fix: str) -> Explanation:
    return Explanation(what, cause, fix)


_CLOCK = "check that this computer's clock is right (NTP); it is compared with Okta's"
_ASSERTION_FRESH = "oktatool signs a new assertion per request; a pasted or reused assertion fails like this"

#: (error code or None, description prefix or None) -> explanation; the most specific match wins
KNOWN_ERRORS: list[tuple[str | None, str | None, Builder]] = [
    # client authentication (token endpoint)
    (None, "Client authentication failed.", _e(
        "Okta could not authenticate the client", "the client id is unknown in this org, or the app does not use "
        "public key / private key authentication", "check the client id and the org URL; in the app's General "
        "settings choose Client authentication: Public key / Private key")),
    (None, "No client credentials found.", _e(
        "the token request reached Okta without client credentials", "a proxy or gateway dropped the form body, "
        "or the URL is not Okta's token endpoint", "post to {org}/oauth2/v1/token directly and check proxies")),
    (None, "Invalid value for 'client_id' parameter.", _e(
        "Okta does not know this client id", "a typo, or the id of an app in another org",
        "copy the Client ID from the app's General tab of this org")),
    (None, "Client Credentials requests to the Org Authorization Server must use the private_key_jwt", _e(
        "the app is set up for client secrets, but the org authorization server accepts only private_key_jwt",
        "the app's client authentication is 'Client secret'",
        joined(["in the app's General settings choose Public key / Private key and add your public key (",
                _JWKS_PUBLIC, ")"]))),
    (None, "OAuth Integration Client Credentials requests", _e(
        "this API service integration must authenticate with private_key_jwt or client_secret_basic",
        "the integration is configured for another authentication method",
        "use the integration's registered key (private_key_jwt)")),
    (None, "Only clients with 'application_type' of 'service'", _e(
        "only API Services apps may use client credentials with the org authorization server",
        "the client id belongs to a web, SPA or native app", "create an API Services app and use its client id")),
    (None, "The issuer claim for client_assertion is not a valid client_id.", unknown_client),
    (None, "The subject claim for client_assertion is not a valid client_id.", unknown_client),
    (None, "The audience claim for client_assertion must be the endpoint invoked", lambda ctx: _e(
        "the assertion's aud is not exactly the token URL it was posted to",
        "aud was the org URL, had a trailing slash, named /oauth2/default, or used another domain (custom vs "
        "okta.com) than the request", joined([f"set aud to exactly {token_url(ctx)} ", Hint(
            "(oktatool builds it from --org)", window="(the Okta template builds it from the profile's org)")]))),
    (None, "The client_assertion must contain the 'exp' claim", _e(
        "the assertion has no exp claim", "it was hand-made without an expiry",
        "add exp as seconds since epoch, at most one hour after now")),
    (None, "The client_assertion token is expired.", _e(
        "the assertion's exp is already in the past for Okta", "this computer's clock is behind, or an old "
        "assertion was reused", f"{_CLOCK}; {_ASSERTION_FRESH}")),
    (None, "The client_assertion token has an expiration too far into the future.", _e(
        "the assertion's exp is more than one hour after Okta's current time", "the lifetime is over 3600 s, or "
        "this computer's clock is ahead", f"use a lifetime of at most 3600 s (default 300); {_CLOCK}")),
    (None, "The client_assertion token must be issued before the current time.", _e(
        "the assertion's iat is in the future for Okta", "this computer's clock is ahead of Okta's", _CLOCK)),
    (None, "The client_assertion token has already been used.", _e(
        "this assertion's jti was used before; Okta accepts each assertion once",
        "the same assertion was sent twice (also after a use_dpop_nonce answer, which consumes it)",
        _ASSERTION_FRESH)),
    (None, "The client_assertion signature is invalid.", _e(
        "the assertion's signature does not verify with the public key Okta holds for that kid",
        "the private key does not match the public key registered under this kid",
        joined(["register this key's public half (", _JWKS_PUBLIC, ") or sign with the key that belongs to the "
                "registered kid"]))),
    (None, "The parsing of the client_assertion failed.", _e(
        "Okta could not parse the client assertion as a JWT", "it was truncated, re-encoded or is not a JWS",
        "send a compact JWS (three base64url parts); let oktatool sign it")),
    (None, "The client_assertion JWT kid is invalid.", kid_invalid),
    (None, "The client JWKSet is invalid.", _e(
        "the public keys registered on the app are not a valid JWK set", "a key was pasted with missing or "
        "wrong members", joined(["re-register the key from ", _JWKS_PUBLIC]))),
    (None, "The client_assertion JWT signature algorithm is invalid.", _e(
        "Okta does not accept the assertion's signing algorithm", "Okta takes RS256/384/512 and ES256/384/512 "
        "only (no EdDSA, PS*, HS*), or alg does not fit the registered key", "sign with an RSA or EC key and one of "
        "those algorithms")),
    (None, "The client does not have a JWKSet configured", _e(
        "the app has no public key registered", "public key / private key authentication was chosen but no key "
        "added", "add the public key in the app's General tab (Public keys > Add key), or POST "
        "/api/v1/apps/{appId}/credentials/jwks")),
    (None, "The public key being used for client assertion has an invalid 'use' parameter.", _e(
        "the registered public key is not marked for signatures", "it was registered with use \"enc\"",
        "register the key with use \"sig\" (or without use)")),
    (None, "The client_assertion JWT needs to be signed using a signing key.", _e(
        "the assertion was signed with a key that is not a signing key", "the kid names an encryption key",
        "sign with a key registered for signatures (use \"sig\")")),
    (None, "The client JWKSet from jwks_uri must contain at least one key.", _e(
        "the app's jwks_uri returns no keys", "the URL serves an empty set", "publish the public key there")),
    (None, "All keys in the client JWKSet from jwks_uri must have a unique kid.", _e(
        "the app's jwks_uri returns keys that share a kid", "two keys were published with the same kid",
        "give each key its own kid (e.g. its thumbprint)")),
    (None, "Error retrieving the client JWKSet from jwks_uri.", _e(
        "Okta could not fetch the app's jwks_uri", "the URL is unreachable from the internet or not JSON",
        "make the jwks_uri publicly reachable over https")),
    (None, "The client_assertion_type is invalid.", _e(
        "the client_assertion_type value is wrong", "a typo in the URN", "send "
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")),
    (None, "Cannot supply multiple client credentials.", _e(
        "the request carried two kinds of client credentials", "a client_id/secret or Authorization header was "
        "sent along with the assertion", "send only client_assertion and client_assertion_type")),
    (None, "Client credentials cannot be supplied via query parameters.", _e(
        "credentials were put in the URL query", "the form fields were sent as query parameters",
        "send them in a form-encoded POST body")),
    (None, "The request contained multiple parameters with the same name.", _e(
        "a form field was sent twice", "a duplicated scope or grant_type field", "send each field once")),
    (None, "The token request must specify a 'grant_type'.", _e(
        "the request had no grant_type", "the form body was lost or malformed",
        "send grant_type=client_credentials in the form body")),
    # scopes
    (None, "No scopes were requested.", _e(
        "the request asked for no scope", Hint("--scopes was empty", window="no scope was picked"),
        Hint("request at least one Okta scope, e.g. --scopes okta.users.read",
             window="request at least one Okta scope, e.g. okta.users.read (Scopes tab)"))),
    (None, "The following scopes are not allowed for this request:", scopes_not_allowed),
    (None, "Scopes are not allowed for this request.", _e(
        "this request may not carry scopes", "the grant or server takes none",
        Hint("drop --scopes", window="ask for no scopes"))),
    (None, "Custom scopes are not allowed for this request.", _e(
        "custom scopes cannot be issued by the org authorization server", "a custom-AS scope was requested "
        "from /oauth2/v1/token", "request okta.* scopes only")),
    (None, "Cannot request 'openid' scopes using client credentials.", _e(
        "OpenID scopes cannot be requested with client credentials", "openid/profile/email was in the scopes",
        "remove the OpenID scopes; request okta.* scopes")),
    (None, "The requested scope is invalid, unknown, malformed", _e(
        "a requested scope is unknown or not allowed for the app", "a typo, a scope of another product, or a "
        "scope not granted", "check the names with oktatool scopes and grant them in the app's Okta API Scopes "
        "tab")),
    (None, "You are not allowed any of the requested scopes.", lambda ctx: _e(
        "none of the requested scopes is granted to the app",
        "scopes must be granted to the app before it can ask for them",
        "grant them in the Admin Console (the app > Okta API Scopes > Grant; Super Admin only) or with POST "
        f"/api/v1/apps/{ctx.client_id or '{appId}'}/grants {{\"scopeId\": \"{first_scope(ctx)}\", "
        "\"issuer\": \"https://{yourOktaDomain}\"} for each scope")),
    (None, "The following scopes require user consent", _e(
        "those scopes need a user's consent, which client credentials cannot give", "end-user scopes were "
        "requested", "request admin okta.* scopes only")),
    (None, "The 'client_credentials' grant type may not request .self scopes.", _e(
        ".self scopes belong to a signed-in user", "an okta.*.self scope was requested",
        "use the matching non-.self scope (e.g. okta.users.read)")),
    (None, "Some of the requested scopes were denied by the policy.", _e(
        "an access policy denied some scopes", "a rule of the authorization server's policy",
        "adjust the policy rule or request fewer scopes")),
    ("access_denied", "Policy evaluation failed for this request", no_policy),
    ("invalid_scope", "One or more scopes are not configured for the authorization server resource.",
     unknown_custom_scope),
    (None, "Policy evaluation succeeded, but all the requested scopes were rejected.", _e(
        "the access policy rejected every requested scope", "no policy rule grants these scopes to this client",
        "add a rule that allows them")),
    # grant and client types
    (None, "The client is not authorized to use the provided grant type.", _e(
        "the app does not allow the client-credentials grant", "it is not an API Services app or the grant is "
        "unticked", "enable Client Credentials in the app's General settings (or use an API Services app)")),
    (None, "This client cannot use a custom authorization server.", _e(
        "this client may use only the org authorization server", "the URL named /oauth2/{id}/v1/token",
        "use {org}/oauth2/v1/token")),
    (None, "The authorization grant type is not supported by the authorization server.", _e(
        "this authorization server does not support client credentials", "the server or app is configured "
        "without it", "use the org authorization server with an API Services app")),
    (None, "'client_credentials' grant type can only be used with a custom authorization server.", _e(
        "this client may not use client credentials with the org authorization server", "the app is not a "
        "service app", "use an API Services app")),
    (None, "The request is made from outside the client's permitted network zones.", _e(
        "Okta refused the request because of where it comes from", "the app is limited to network zones that do "
        "not include this computer's address", "run from an allowed network or change the app's zones")),
    # DPoP at the token endpoint and at resources
    ("use_dpop_nonce", None, _e(
        "the server asked for a DPoP nonce again after the retry", "the nonce changed between the two requests "
        "or a proxy strips the DPoP-Nonce header", "try again; check that no proxy removes DPoP headers")),
    (None, "The DPoP proof JWT header is missing.", dpop_missing),
    (None, "Multiple DPoP proof JWT headers are not allowed.", _e(
        "the request carried more than one DPoP header", "a proxy or client added a second one",
        "send exactly one DPoP header")),
    (None, "'typ' must be 'dpop+jwt' in the DPoP proof JWT.", _e(
        "the DPoP proof's typ is wrong", "a plain JWT was sent as proof", "use typ dpop+jwt")),
    (None, "The DPoP proof JWT signature algorithm is invalid.", _e(
        "Okta does not accept the DPoP proof's algorithm", "Okta takes RS256/384/512 and ES256/384/512",
        "use an RSA or EC DPoP key")),
    (None, "The DPoP proof JWT cannot be parsed.", _e(
        "Okta could not parse the DPoP proof", "it was truncated or is not a JWS with a public jwk header",
        "let oktatool build the proof")),
    (None, "DPoP proof JWT cannot be parsed.", _e(
        "Okta could not parse the DPoP proof", "it was truncated or is not a JWS with a public jwk header",
        "let oktatool build the proof")),
    (None, "The DPoP proof JWT signature is invalid.", _e(
        "the DPoP proof's signature does not verify with its own jwk", "the proof was altered or signed with "
        "another key", "let oktatool build the proof")),
    (None, "'htm' claim in the DPoP proof JWT is invalid.", _e(
        "the proof's htm is not the request's HTTP method", "the proof was made for another request",
        "make a new proof per request")),
    (None, "'htu' claim in the DPoP proof JWT is invalid.", _e(
        "the proof's htu is not the URL that was called", "htu included the query string, was percent-encoded "
        "differently, or named another host", "htu must be scheme://host/path without query or fragment")),
    (None, "'iat' claim in the DPoP proof JWT is invalid.", _e(
        "the proof's iat is missing or malformed", "a hand-made proof", "let oktatool build the proof")),
    (None, "The DPoP proof JWT is issued in the future.", _e(
        "the proof's iat is ahead of Okta's clock", "this computer's clock is ahead", _CLOCK)),
    (None, "The DPoP proof JWT is issued more than five minutes in the past.", _e(
        "the proof is older than five minutes for Okta", "this computer's clock is behind, or a proof was "
        "reused", _CLOCK)),
    (None, "The DPoP proof JWT is expired.", _e(
        "the DPoP proof expired", "this computer's clock is behind, or a proof was reused", _CLOCK)),
    (None, "'jti' claim in the DPoP proof JWT is invalid.", _e(
        "the proof's jti is missing or malformed", "a hand-made proof", "let oktatool build the proof")),
    (None, "The DPoP proof JWT has already been used.", _e(
        "this DPoP proof was sent before", "a proof was reused for a retry or a second request",
        "make a new proof per request (oktatool does)")),
    (None, "'ath' claim in the DPoP proof does not match the presented access_token.", _e(
        "the proof's ath is not the hash of this access token", "the proof was made for another token",
        "make the proof with the token being sent")),
    (None, "The access_token is not bound to the provided DPoP proof.", _e(
        "the DPoP proof was signed with another key than the token is bound to", "the DPoP key changed after the "
        "token was issued", "get a new token with the current DPoP key")),
    ("invalid_dpop_proof", None, _e(
        "Okta refused the DPoP proof", "the proof breaks one of the DPoP rules (typ, alg, htm, htu, iat, jti, "
        "nonce, ath)", "let oktatool build the proof; check the clock")),
    (None, "The resource request requires a DPoP proof.", _e(
        "the token is DPoP-bound but the API call carried no DPoP proof", "a DPoP token was used as a Bearer "
        "token", joined(["call the API with Authorization: DPoP and a new proof (", _USE_DPOP, ")"]))),
    (None, "The resource request must use the DPoP authentication scheme", _e(
        "the token is DPoP-bound but was sent with the Bearer scheme", "the Authorization scheme did not follow "
        "the token_type", joined(["send Authorization: DPoP <token> with a proof (", _USE_DPOP, ")"]))),
    (None, "The presented access_token is not DPoP bound.", _e(
        "a Bearer token was sent with the DPoP scheme", "the token was issued without DPoP",
        "send Authorization: Bearer, or get a DPoP token")),
    # resource-side token errors
    ("insufficient_scope", None, insufficient_scope),
    (None, "The access token provided is not intended for Okta.", _e(
        "the token was not issued for Okta's APIs", "it came from a custom authorization server (such as "
        "/oauth2/default), whose tokens Okta's APIs reject", "get the token from the org authorization server: "
        "{org}/oauth2/v1/token")),
    (None, "The access token provided has an invalid issuer.", _e(
        "the token's issuer is not this org", "a token from another org or domain",
        "get a token from this org's /oauth2/v1/token")),
    ("invalid_token", None, _e(
        "the access token was refused", "it expired, was revoked, or belongs to another org",
        "get a new token")),
    # other token-endpoint answers
    (None, "API call exceeded rate limit due to too many requests.", _e(
        "Okta's rate limit for this endpoint was reached", "too many calls in the current minute by this app "
        "or the org", "wait until X-Rate-Limit-Reset; ask fewer pages or raise the app's rate-limit share")),
    ("server_error", None, _e(
        "the authorization server failed while handling the request", "a problem on the server side",
        "try again later; give Okta support the request id")),
    ("temporarily_unavailable", None, _e(
        "the authorization server is overloaded or in maintenance", "a temporary server condition",
        "try again in a minute")),
    # management API error codes (FACTS.md §4.4)
    ("E0000001", None, _e(
        "Okta rejected the request body", "a field is missing or has a value Okta does not accept (see the "
        "causes)", "fix the fields named in the causes")),
    ("E0000003", None, _e(
        "the request body is not well-formed JSON", "a syntax error or the wrong Content-Type",
        Hint("send valid JSON (check --data)", window="send valid JSON (check the body)"))),
    ("E0000004", None, _e(
        "authentication failed", "the credentials sent were not accepted", "get a new token")),
    ("E0000005", None, _e(
        "this endpoint wants a signed-in admin's session, not a service token",
        "some endpoints (such as granting scopes) refuse OAuth service-app tokens",
        "use an admin session or an SSWS API token for this call")),
    ("E0000006", None, no_role),
    ("E0000007", None, _e(
        "the resource does not exist", "a wrong id or path, or it was deleted",
        "check the id (list the collection first)")),
    ("E0000011", None, _e(
        "Okta refused the access token", "it expired (tokens last one hour) or was revoked, was issued by another "
        "org or a custom authorization server, or a DPoP token was sent as Bearer", "get a new token from "
        "{org}/oauth2/v1/token and send it with the token_type it came with")),
    ("E0000015", None, _e(
        "the org does not allow this feature for the caller", "the token came from a custom authorization server "
        "in an org without API Access Management, or the feature is not enabled",
        "use the org authorization server ({org}/oauth2/v1/token) for Okta API scopes")),
    ("E0000022", None, _e(
        "this endpoint does not support that HTTP method", "a wrong method for the path",
        Hint("check the method with oktatool scopes --for \"METHOD PATH\"",
             window="check the method in Scopes tab > Endpoints"))),
    ("E0000047", None, _e(
        "Okta's rate limit for this endpoint was reached", "too many calls in the current minute by this app "
        "or the org", "wait until X-Rate-Limit-Reset; ask fewer pages or raise the app's rate-limit share")),
]
