"""Key generation, kid modes, alg filtering and JWK round trips, checked against joserfc."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from joserfc.jwk import JWKRegistry

from oktatool.core.errors import KeyMaterialError
from oktatool.core.keys.key import Key, KeySpec, allowed_algs, forget_loaded_keys, generate_key, load_key, load_keys
from tests.conftest import FIXTURES

RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"

EVERY_SHAPE = [
    KeySpec("RSA"), KeySpec("RSA", size=3072), KeySpec("RSA", size=2056),
    KeySpec("EC", crv="P-256"), KeySpec("EC", crv="P-384"), KeySpec("EC", crv="P-521"), KeySpec("EC", crv="secp256k1"),
    KeySpec("OKP", crv="Ed25519"), KeySpec("OKP", crv="Ed448"),
    KeySpec("OKP", crv="X25519"), KeySpec("OKP", crv="X448"),
    KeySpec("oct", size=128), KeySpec("oct"), KeySpec("oct", size=200), KeySpec("oct", size=512),
]


@pytest.fixture(scope="module")
def generated() -> dict[str, Key]:
    return {f"{s.kty}-{s.size}-{s.crv}": generate_key(s) for s in EVERY_SHAPE}


def test_rfc7638_example_key_gives_the_rfc_thumbprint() -> None:
    key = load_key((FIXTURES / "rfc7638_example.json").read_text())
    assert key.thumbprint() == RFC7638_THUMBPRINT
    assert key.kid == "2011-04-29" and key.alg == "RS256" and not key.is_private
    assert load_key((FIXTURES / "rfc7638_example.json").read_bytes(), recompute_kid=True).kid == RFC7638_THUMBPRINT


@pytest.mark.parametrize("spec", EVERY_SHAPE, ids=lambda s: f"{s.kty}-{s.size}-{s.crv}")
def test_every_generated_key_matches_joserfc(spec: KeySpec, generated: dict[str, Key]) -> None:
    key = generated[f"{spec.kty}-{spec.size}-{spec.crv}"]
    theirs = JWKRegistry.import_key(key.to_dict(private=True))
    assert theirs.thumbprint() == key.thumbprint()
    if key.is_symmetric:  # a thumbprint of a secret is a hash of it: oct keys get a random kid by default
        assert key.kid and key.kid != key.thumbprint() and len(key.kid) >= 20
    else:
        assert key.kid == key.thumbprint()
    assert key.is_private
    assert theirs.is_private
    if not key.is_symmetric:
        public = JWKRegistry.import_key(key.public().to_dict())
        assert not public.is_private and public.thumbprint() == key.thumbprint()


@pytest.mark.parametrize(("spec", "text", "size"), [
    (KeySpec("RSA"), "RSA 2048", 2048), (KeySpec("EC"), "EC P-256", 256), (KeySpec("EC", crv="P-521"), "EC P-521", 521),
    (KeySpec("OKP"), "OKP Ed25519", 256), (KeySpec("OKP", crv="X448"), "OKP X448", 448),
    (KeySpec("oct"), "oct 256", 256),
])
def test_describe_and_size(spec: KeySpec, text: str, size: int) -> None:
    key = generate_key(spec)
    assert key.describe() == text and key.size == size
    assert load_key(key.export("jwk")).size == size


def test_members_are_in_rfc_order(generated: dict[str, Key]) -> None:
    rsa = generate_key(KeySpec("RSA", use="sig", alg="PS256", kid="k1"))
    assert list(rsa.to_dict(private=True)) == ["kty", "n", "e", "d", "p", "q", "dp", "dq", "qi", "use", "alg", "kid"]
    assert list(rsa.to_dict()) == ["kty", "n", "e", "use", "alg", "kid"]
    # a new key carries the alg its Okta-ready public JWK claims (none for an oct secret: it has no public JWK)
    assert list(generated["EC-None-P-384"].to_dict(private=True)) == ["kty", "crv", "x", "y", "d", "alg", "kid"]
    assert list(generated["OKP-None-Ed448"].to_dict(private=True)) == ["kty", "crv", "x", "d", "alg", "kid"]
    assert list(generated["oct-None-None"].to_dict(private=True)) == ["kty", "k", "kid"]
    text = rsa.export("jwk-public")
    assert text.startswith('{\n  "kty": "RSA",\n  "n": ')  # stable, pretty, two-space indent
    assert text == rsa.export("jwk-public")


def test_ec_coordinates_have_full_length(generated: dict[str, Key]) -> None:
    for name, length in (("EC-None-P-256", 43), ("EC-None-P-384", 64), ("EC-None-P-521", 88)):
        members = generated[name].to_dict(private=True)
        assert len(members["x"]) == len(members["y"]) == len(members["d"]) == length


def test_public_drops_private_members_and_keeps_the_rest() -> None:
    key = generate_key(KeySpec("EC", use="sig", alg="ES256", kid_mode="random"))
    public = key.public()
    assert not public.is_private and "d" not in public.to_dict(private=True)
    assert (public.kid, public.use, public.alg) == (key.kid, "sig", "ES256")
    assert public.public() is public
    with pytest.raises(KeyMaterialError, match="shared secret"):
        generate_key(KeySpec("oct")).public()


def test_key_is_immutable_and_never_shows_material() -> None:
    key = generate_key(KeySpec("oct"))
    with pytest.raises(AttributeError):
        key.kid = "x"  # type: ignore[misc]
    assert key.to_dict(private=True)["k"] not in repr(key)
    assert repr(key).startswith("Key(oct 256")


def test_key_inside_a_frozen_dataclass_survives_asdict_and_copy() -> None:
    import copy
    from dataclasses import asdict, dataclass

    @dataclass(frozen=True)
    class Profile:
        name: str
        key: Key

    key = generate_key(KeySpec("EC"))
    assert asdict(Profile("p", key))["key"] is key
    assert copy.copy(key) is key and copy.deepcopy(key) is key


def test_with_kid_and_equality() -> None:
    key = generate_key(KeySpec("OKP"))
    renamed = key.with_kid("rotation-2")
    assert renamed.kid == "rotation-2" and renamed.thumbprint() == key.thumbprint()
    assert renamed != key and renamed.with_kid(key.kid) == key
    assert key.with_kid(None).kid is None and "kid" not in key.with_kid(None).to_dict()


# ---- kid modes ------------------------------------------------------------------------------------------


def test_kid_modes() -> None:
    now = datetime(2026, 11, 27, 23, 5, 9, tzinfo=UTC)
    assert generate_key(KeySpec("EC", kid_mode="timestamp"), now=now).kid == "1795820709"
    assert generate_key(KeySpec("EC", kid_mode="iso-date"), now=now).kid == "2026-11-27T23:05:09Z"
    assert generate_key(KeySpec("EC", kid_mode="none")).kid is None
    assert generate_key(KeySpec("EC", kid_mode="none", kid="mine")).kid == "mine"
    assert generate_key(KeySpec("EC", kid_mode="custom", kid="mine")).kid == "mine"
    randoms = {generate_key(KeySpec("oct", kid_mode="random")).kid for _ in range(20)}
    assert len(randoms) == 20
    for kid in randoms:
        assert kid is not None and re.fullmatch(r"[A-Za-z0-9_-]{22,}", kid)  # 22 base64url chars = 132 >= 128 bits
    key = generate_key(KeySpec("OKP", crv="X25519"))
    assert key.kid == key.thumbprint()


@pytest.mark.parametrize(("spec", "message"), [
    (KeySpec("EC", kid_mode="custom"), "custom needs a kid"),
    (KeySpec("EC", kid=" "), "kid is empty"),
    (KeySpec("EC", kid_mode="sha1"), "unknown kid mode"),
])
def test_bad_kid_modes(spec: KeySpec, message: str) -> None:
    with pytest.raises(KeyMaterialError, match=message):
        generate_key(spec)


# ---- sizes, curves, algs --------------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "message"), [
    (KeySpec("RSA", size=1024), "shorter than 2048 bits are refused"),
    (KeySpec("RSA", size=2047), "shorter than 2048"),
    (KeySpec("RSA", size=2049), "not possible"),
    (KeySpec("RSA", size=8200), "not possible"),
    (KeySpec("oct", size=64), "not possible"),
    (KeySpec("oct", size=520), "not possible"),
    (KeySpec("EC", crv="P-192"), "not a curve for EC"),
    (KeySpec("EC", crv="Ed25519"), "not a curve for EC"),
    (KeySpec("OKP", crv="P-256"), "not a curve for OKP"),
    (KeySpec("EC", size=256), "take a curve, not a size"),
    (KeySpec("RSA", crv="P-256"), "have no curve"),
    (KeySpec("DSA"), "unknown key type"),
    (KeySpec("EC", use="verify"), "unknown key use"),
    (KeySpec("OKP", crv="X25519", use="sig"), "cannot sign"),
    (KeySpec("OKP", crv="Ed25519", use="enc"), "cannot encrypt"),
    (KeySpec("EC", crv="secp256k1", use="enc"), "cannot encrypt"),
])
def test_impossible_specs_are_refused(spec: KeySpec, message: str) -> None:
    with pytest.raises(KeyMaterialError, match=message) as info:
        generate_key(spec)
    assert info.value.exit_code == 2


def test_allowed_algs_follow_key_and_use() -> None:
    assert allowed_algs("RSA", use="sig") == ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
    assert allowed_algs("RSA", use="enc") == ("RSA-OAEP", "RSA-OAEP-256")
    assert allowed_algs("EC", crv="P-384", use="sig") == ("ES384",)
    assert allowed_algs("EC", crv="secp256k1") == ("ES256K",)
    assert allowed_algs("EC", crv="P-521", use="enc") == ("ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW",
                                                           "ECDH-ES+A256KW")
    assert allowed_algs("OKP", crv="Ed448") == ("EdDSA",)
    assert allowed_algs("OKP", crv="X448", use="sig") == ()
    assert allowed_algs("OKP", crv="X25519", use="enc")[0] == "ECDH-ES"
    assert allowed_algs("OKP", crv="X25519") == ()  # no use means signing, and X25519 cannot sign
    assert allowed_algs("oct", size=256, use="sig") == ("HS256",)
    assert allowed_algs("oct", size=383, use="sig") == ("HS256",)
    assert allowed_algs("oct", size=384, use="sig") == ("HS256", "HS384")
    assert allowed_algs("oct", size=512, use="sig") == ("HS256", "HS384", "HS512")
    assert allowed_algs("oct", size=128, use="sig") == ()
    assert allowed_algs("oct", size=128, use="enc") == ("A128KW", "A128GCMKW", "dir")
    assert "RSA-OAEP" not in allowed_algs("RSA", use="sig") and "RSA-OAEP" not in allowed_algs("RSA")
    assert "ECDH-ES" not in allowed_algs("EC", use="sig") and "ECDH-ES" not in allowed_algs("EC")


@pytest.mark.parametrize(("spec", "fits", "needs"), [
    (KeySpec("EC", crv="P-256", alg="ES384"), "ES256", "curve P-384"),
    (KeySpec("EC", crv="P-256", use="sig", alg="ES256K"), "ES256", "secp256k1"),
    (KeySpec("OKP", crv="X25519", use="enc", alg="EdDSA"), "ECDH-ES", "Ed25519 or Ed448"),
    (KeySpec("EC", alg="ECDH-ES"), "ES256", "use enc"),
    (KeySpec("RSA", alg="RSA-OAEP-256"), "RS256", "use enc"),
    (KeySpec("oct", size=128, alg="A128KW"), "no alg does", "use enc"),
    (KeySpec("EC", use="sig", alg="ECDH-ES"), "ES256", "use enc"),
    (KeySpec("RSA", use="sig", alg="RSA-OAEP"), "RS256", "use enc"),
    (KeySpec("oct", size=256, use="sig", alg="HS384"), "HS256", "at least 384 bits"),
    (KeySpec("oct", size=384, alg="HS512"), "HS384", "at least 512 bits"),
    (KeySpec("RSA", alg="ES256"), "PS512", "curve P-256"),
    (KeySpec("RSA", alg="rs256"), "RS256", "case-sensitive"),
])
def test_alg_mismatch_names_what_fits(spec: KeySpec, fits: str, needs: str) -> None:
    with pytest.raises(KeyMaterialError) as info:
        generate_key(spec)
    assert "does not fit" in info.value.description and fits in info.value.description
    assert info.value.hint is not None and needs in info.value.hint


def test_alg_that_fits_is_kept() -> None:
    for spec in (KeySpec("EC", crv="P-384", alg="ES384"), KeySpec("OKP", crv="Ed448", use="sig", alg="EdDSA"),
                 KeySpec("oct", size=512, alg="HS512"), KeySpec("RSA", use="enc", alg="RSA-OAEP-256"),
                 KeySpec("OKP", crv="X448", use="enc", alg="ECDH-ES+A256KW"),
                 KeySpec("oct", size=192, use="enc", alg="A192KW")):
        key = generate_key(spec)
        assert key.alg == spec.alg and load_key(key.export("jwk")).alg == spec.alg


# ---- JWK / JWKS import ----------------------------------------------------------------------------------


def test_jwk_round_trip_keeps_everything(generated: dict[str, Key]) -> None:
    for key in generated.values():
        again = load_key(key.export("jwk"))
        assert again == key
        assert load_key(key.export("jwks")) == key
        if not key.is_symmetric:
            public = load_key(key.export("jwk-public"))
            assert not public.is_private and public.thumbprint() == key.thumbprint() and public.kid == key.kid
            # what Okta's "Add key" takes: the JWKS's members, use and alg filled in when the key had none
            assert public.to_dict() == key.okta_public_dict() == json.loads(key.export("jwks-public"))["keys"][0]
            assert public.use and (public.alg or key.kty == "OKP")


def test_jwks_picks_by_kid_and_lists_kids_when_ambiguous() -> None:
    keys = [generate_key(KeySpec("EC", kid="a")), generate_key(KeySpec("OKP", kid="b")), generate_key(KeySpec("EC"))]
    jwks = json.dumps({"keys": [k.to_dict() for k in keys]})
    assert load_key(jwks, kid="b") == keys[1].public()
    assert load_key(jwks, kid=keys[2].thumbprint()).thumbprint() == keys[2].thumbprint()
    assert len(load_keys(jwks)) == 3
    with pytest.raises(KeyMaterialError) as info:
        load_key(jwks)
    assert "3 keys" in info.value.description
    assert "a (EC P-256)" in info.value.description and "b (OKP Ed25519)" in info.value.description
    with pytest.raises(KeyMaterialError, match="no key has kid 'zzz'"):
        load_key(jwks, kid="zzz")


def test_jwks_with_two_keys_sharing_a_kid_is_refused() -> None:
    keys = [generate_key(KeySpec("EC", kid="same")), generate_key(KeySpec("EC", kid="same"))]
    with pytest.raises(KeyMaterialError, match="share kid 'same'"):
        load_key(json.dumps({"keys": [k.to_dict() for k in keys]}), kid="same")


def test_mkjwk_json_is_read() -> None:
    key = generate_key(KeySpec("RSA", use="sig", alg="RS256", kid="sig-1686381758"))
    mkjwk = {"jwk": key.to_dict(private=True), "jwks": {"keys": [key.to_dict(private=True)]},
             "pub": key.to_dict()}
    assert load_key(json.dumps(mkjwk, indent=4)) == key
    oct_answer = {"jwk": generate_key(KeySpec("oct")).to_dict(private=True), "pub": None}
    assert load_key(json.dumps(oct_answer)).is_symmetric


def test_rsa_jwk_without_crt_members_is_recovered() -> None:
    key = generate_key(KeySpec("RSA"))
    members = key.to_dict(private=True)
    for name in ("p", "q", "dp", "dq", "qi"):
        del members[name]
    assert load_key(json.dumps(members)) == key


def test_key_ops_are_kept_in_order() -> None:
    members = generate_key(KeySpec("EC", use="sig", kid="k")).to_dict(private=True)
    members["key_ops"] = ["sign", "verify"]
    key = load_key(json.dumps(members))
    assert key.key_ops == ("sign", "verify")
    assert list(key.to_dict()) == ["kty", "crv", "x", "y", "use", "key_ops", "alg", "kid"]
    assert key.jwk().get("key_ops") == ["sign", "verify"]


def test_jwk_keeps_or_recomputes_kid() -> None:
    key = generate_key(KeySpec("EC", kid="custom-1"))
    assert load_key(key.export("jwk")).kid == "custom-1"
    assert load_key(key.export("jwk"), recompute_kid=True).kid == key.thumbprint()
    no_kid = key.with_kid(None).export("jwk")
    assert load_key(no_kid).kid is None


def test_loaded_rsa_key_signs_without_revalidation() -> None:
    key = generate_key(KeySpec("RSA"))
    pem = key.export("pem")
    first = load_key(pem)
    assert load_key(pem) is first  # the same stored key is parsed and validated only once
    forget_loaded_keys()
    assert load_key(pem) is not first and load_key(pem) == first
    jwk = first.jwk()
    assert jwk is first.jwk()
    assert jwk._cache_pri_k is first.pyca()  # jwcrypto reuses our validated object
    public = first.pyca().public_key()  # type: ignore[union-attr]
    signature = first.pyca().sign(b"x", padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr, call-arg]
    public.verify(signature, b"x", padding.PKCS1v15(), hashes.SHA256())


def test_jwcrypto_signs_with_every_signing_key(generated: dict[str, Key]) -> None:
    from jwcrypto import jws

    for name, alg in (("RSA-None-None", "PS256"), ("EC-None-P-521", "ES512"), ("EC-None-secp256k1", "ES256K"),
                      ("OKP-None-Ed25519", "EdDSA"), ("oct-512-None", "HS512")):
        key = generated[name]
        token = jws.JWS(b"payload")
        token.add_signature(key.jwk(), alg=alg, protected=json.dumps({"alg": alg}))
        check = jws.JWS()
        check.deserialize(token.serialize(compact=True))
        verifier = key.jwk() if key.is_symmetric else key.public().jwk()
        check.verify(verifier, alg=alg)
        assert check.payload == b"payload"


def test_ec_pyca_object_is_the_private_key(generated: dict[str, Key]) -> None:
    assert isinstance(generated["EC-None-P-256"].pyca(), ec.EllipticCurvePrivateKey)
    with pytest.raises(KeyMaterialError):
        generated["oct-None-None"].pyca()


@pytest.mark.parametrize(("maker", "arg"), [
    ("RSAKey", 2048), ("ECKey", "P-256"), ("ECKey", "P-384"), ("ECKey", "P-521"), ("ECKey", "secp256k1"),
    ("OKPKey", "Ed25519"), ("OKPKey", "Ed448"), ("OKPKey", "X25519"), ("OKPKey", "X448"), ("OctKey", 384),
])
def test_keys_made_by_joserfc_import_unchanged(maker: str, arg: object) -> None:
    from joserfc import jwk as joserfc_jwk

    theirs = getattr(joserfc_jwk, maker).generate_key(arg, private=True)
    members = theirs.as_dict(private=True)
    ours = load_key(json.dumps(members))
    assert ours.thumbprint() == theirs.thumbprint()
    assert {k: v for k, v in ours.to_dict(private=True).items() if k != "kid"} == members
    if maker != "OctKey":
        from_pem = load_key(theirs.as_pem(private=True))
        assert from_pem == ours.with_thumbprint_kid()
        assert load_key(theirs.as_pem(private=False)) == ours.public().with_thumbprint_kid()


def test_oct_keys_get_a_random_kid_unless_another_mode_is_asked() -> None:
    first, second = generate_key(KeySpec("oct")), generate_key(KeySpec("oct"))
    for key in (first, second):
        assert key.kid != key.thumbprint() and len(key.kid or "") >= 20  # 128 random bits, url-safe
    assert first.kid != second.kid
    chosen = generate_key(KeySpec("oct", kid_mode="thumbprint"))
    assert chosen.kid == chosen.thumbprint()  # asked for explicitly, it is still given
    ec_key = generate_key(KeySpec("EC"))
    assert ec_key.kid == ec_key.thumbprint()
