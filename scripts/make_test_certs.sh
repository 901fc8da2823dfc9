#!/usr/bin/env bash
# Makes a throwaway certificate authority and everything a TLS/mTLS/token run
# of Backplan needs, for tests and local runs (never for production: the keys
# sit unencrypted next to the certificates).
#
#   scripts/make_test_certs.sh [DIR]        # default: .run/certs
#
# In DIR:
#   ca.pem ca.key                  the test CA
#   server.pem server.key          all three services; SANs localhost,
#                                  127.0.0.1 and the Kubernetes Service names
#   client-acme.pem/.key           URI SAN spiffe://backplan/tenant/acme
#   client-globex.pem/.key         URI SAN spiffe://backplan/tenant/globex
#   client-dns.pem/.key            only a DNS SAN: initech-ci.example
#   client-cn.pem/.key             no SAN, CN umbrella-ci
#   client-scheduling.pem/.key     URI SAN spiffe://backplan/service/scheduling
#                                  (a trusted service: "*" in identities.yaml)
#   client-expired.pem/.key        acme's identity, expired
#   untrusted-ca.pem, client-untrusted.pem/.key
#                                  acme's identity from another CA
#   identities.yaml                for --auth_identities
#   token-acme token-globex token-scheduling
#                                  random bearer tokens, one per file
#   tokens                         for --auth_tokens (their SHA-256)
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-.run/certs}"
mkdir -p "$dir"
cd "$dir"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ca() {  # name subject
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 3650 -subj "$2" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

leaf() {  # name ca days subject [subjectAltName]
  local name=$1 issuer=$2 days=$3 subject=$4 san=${5:-}
  key "$name.key"
  openssl req -new -key "$name.key" -out "$name.csr" -subj "$subject" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=serverAuth,clientAuth"
    [ -n "$san" ] && echo "subjectAltName=$san"
  } > "$name.ext"
  # A negative -days makes a certificate that expired before it was issued.
  openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" \
    -CAcreateserial -days "$days" -extfile "$name.ext" -out "$name.pem" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}

ca ca "/CN=Backplan test CA"
ca untrusted-ca "/CN=Someone else's CA"

services="DNS:localhost,IP:127.0.0.1"
for s in decomposition prioritization scheduling; do
  services="$services,DNS:backplan-$s,DNS:backplan-$s-headless"
  services="$services,DNS:*.backplan-$s-headless"
done
leaf server ca 825 "/CN=backplan" "$services"
leaf client-acme ca 825 "/CN=acme-client" "URI:spiffe://backplan/tenant/acme"
leaf client-globex ca 825 "/CN=globex-client" "URI:spiffe://backplan/tenant/globex"
leaf client-dns ca 825 "/CN=ignored-cn" "DNS:initech-ci.example"
leaf client-cn ca 825 "/CN=umbrella-ci"
leaf client-scheduling ca 825 "/CN=backplan-scheduling" \
  "URI:spiffe://backplan/service/scheduling"
leaf client-expired ca -1 "/CN=acme-client" "URI:spiffe://backplan/tenant/acme"
leaf client-untrusted untrusted-ca 825 "/CN=acme-client" \
  "URI:spiffe://backplan/tenant/acme"

cat > identities.yaml <<'YAML'
# Certificate identity (URI SAN, else DNS SAN, else CN) -> tenant, or "*"
# for a trusted service that acts for the tenant its caller was bound to.
identities:
  spiffe://backplan/tenant/acme: acme
  spiffe://backplan/tenant/globex: globex
  initech-ci.example: initech
  umbrella-ci: umbrella
  spiffe://backplan/service/scheduling: "*"
YAML

: > tokens
for who in acme globex scheduling; do
  openssl rand -hex 24 > "token-$who"
  tenant=$who
  [ "$who" = scheduling ] && tenant='*'
  printf '%s %s %s\n' "$(tr -d '\n' < "token-$who" | sha256sum | cut -d' ' -f1)" \
    "$tenant" "$who" >> tokens
done
chmod 600 ./*.key token-*
echo "test certificates and tokens in $(pwd)"
