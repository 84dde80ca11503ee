#!/usr/bin/env bash
# Makes development TLS material with the JDK's keytool: a throw-away CA, a server key store for the broker, a
# trust store holding the CA (for clients, and for the broker's client-certificate checks), and a client key store
# for trying mutual TLS. For development only: the keys are made on your machine, stay there, and never belong in
# the repository (dev-tls/ is git-ignored). Production certificates come from your own CA.
#
# Usage: scripts/dev-keystore.sh [OUT_DIR] [EXTRA_SAN...]
#   OUT_DIR    where the files go (default: dev-tls); it must not exist yet, so nothing is overwritten
#   EXTRA_SAN  more subject alternative names for the server certificate, e.g. dns:broker.lan ip:192.168.1.20
#              (localhost and 127.0.0.1 are always in)
# Environment: DEV_KEYSTORE_PASSWORD (default: changeit) protects every store and key; DAYS (default: 365).
#
# Files:
#   server.p12      PKCS12: the broker's key and certificate chain   -> key-store-location, key-store-password
#   truststore.p12  PKCS12: the dev CA's certificate                 -> trust store of the broker (mTLS) and clients
#   client.p12      PKCS12: a client key and certificate, CN=dev-client (for client-auth OPTIONAL / REQUIRE)
#   ca.crt          the dev CA's certificate in PEM (mosquitto_sub --cafile, MQTT.js ca:, a browser's trust list)
#   ca.p12          the dev CA's own key: keep it if you want to issue more certificates, else delete it
set -euo pipefail

out=${1:-dev-tls}
shift || true
password=${DEV_KEYSTORE_PASSWORD:-changeit}
days=${DAYS:-365}

command -v keytool >/dev/null || { echo "keytool not found: install a JDK (17+)" >&2; exit 1; }
if [ -e "$out" ]; then
  echo "$out already exists; remove it or name another folder" >&2
  exit 1
fi
if [ "${#password}" -lt 6 ]; then
  echo "DEV_KEYSTORE_PASSWORD must have at least 6 characters (keytool's rule)" >&2
  exit 1
fi

san="dns:localhost,ip:127.0.0.1"
for extra in "$@"; do
  san="$san,$extra"
done

mkdir -p "$out"
chmod 700 "$out"
kt() { keytool -storepass "$password" -keypass "$password" "$@"; }

# 1. The CA: EC P-256, may sign certificates (basic constraints CA, path length 0).
kt -genkeypair -alias ca -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA -validity "$days" \
   -dname "CN=mqttx dev CA" -ext bc:c=ca:true,pathlen:0 -ext ku:c=keyCertSign,cRLSign \
   -keystore "$out/ca.p12" -storetype PKCS12
kt -exportcert -rfc -alias ca -keystore "$out/ca.p12" -file "$out/ca.crt"

# 2. The server: key pair, request, certificate signed by the CA, chain imported (CA first, then the server's).
kt -genkeypair -alias server -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA -validity "$days" \
   -dname "CN=localhost" -keystore "$out/server.p12" -storetype PKCS12
kt -certreq -alias server -keystore "$out/server.p12" -file "$out/server.csr"
kt -gencert -alias ca -keystore "$out/ca.p12" -infile "$out/server.csr" -outfile "$out/server.crt" -rfc \
   -validity "$days" -sigalg SHA256withECDSA -ext "san=$san" -ext ku:c=digitalSignature -ext eku=serverAuth
kt -importcert -noprompt -alias ca -file "$out/ca.crt" -keystore "$out/server.p12"
kt -importcert -alias server -file "$out/server.crt" -keystore "$out/server.p12"
# the CA's entry was only needed to accept the reply; the key entry now holds the whole chain
kt -delete -alias ca -keystore "$out/server.p12"

# 3. A client for mutual TLS, the same way.
kt -genkeypair -alias client -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA -validity "$days" \
   -dname "CN=dev-client" -keystore "$out/client.p12" -storetype PKCS12
kt -certreq -alias client -keystore "$out/client.p12" -file "$out/client.csr"
kt -gencert -alias ca -keystore "$out/ca.p12" -infile "$out/client.csr" -outfile "$out/client.crt" -rfc \
   -validity "$days" -sigalg SHA256withECDSA -ext ku:c=digitalSignature -ext eku=clientAuth
kt -importcert -noprompt -alias ca -file "$out/ca.crt" -keystore "$out/client.p12"
kt -importcert -alias client -file "$out/client.crt" -keystore "$out/client.p12"
kt -delete -alias ca -keystore "$out/client.p12"

# 4. The trust store: the CA's certificate only.
kt -importcert -noprompt -alias ca -file "$out/ca.crt" -keystore "$out/truststore.p12" -storetype PKCS12

rm -f "$out"/*.csr
chmod 600 "$out"/*

cat <<MSG
Made in $out (password: the value of DEV_KEYSTORE_PASSWORD, default changeit):
  server.p12 (SAN $san), truststore.p12, client.p12 (CN=dev-client), ca.crt, ca.p12
Broker: key store $out/server.p12, type PKCS12; for client certificates add trust store $out/truststore.p12.
Try it: mosquitto_sub -h localhost -p 8883 --cafile $out/ca.crt -t '#' -v
MSG
