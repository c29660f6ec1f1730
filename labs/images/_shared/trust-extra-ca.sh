#!/bin/sh
# Makes an extra CA bundle trusted by everything a recipe downloads with: apt (https),
# curl, Maven/Java, pip, npm and gem. de-lab places the bundle at
# /opt/de-lab-build/extra-ca.pem when one is configured (`de-lab config set caFile …`);
# by hand, copy it to labs/images/_shared/extra-ca.pem before `docker build`.
# Without a bundle this script does nothing, so builds are unchanged.
# Run it before installing ca-certificates / a JDK: their install hooks pick the certificates up.
set -eu
bundle=/opt/de-lab-build/extra-ca.pem
[ -s "$bundle" ] || exit 0
mkdir -p /usr/local/share/ca-certificates
# update-ca-certificates and Java's keystore hook read one certificate per file: split the bundle.
awk -v dir=/usr/local/share/ca-certificates '
  /-----BEGIN CERTIFICATE-----/ { n++; out = sprintf("%s/de-lab-extra-%03d.crt", dir, n) }
  n > 0 { print > out }
  /-----END CERTIFICATE-----/ { close(out) }
' "$bundle"
if command -v update-ca-certificates >/dev/null 2>&1; then update-ca-certificates >/dev/null 2>&1 || true; fi
echo "de-lab: trusting $(ls /usr/local/share/ca-certificates/de-lab-extra-*.crt | wc -l) extra CA certificate(s)"
