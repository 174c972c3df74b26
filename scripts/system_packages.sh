#!/usr/bin/env bash
# Installs the Debian packages a profile needs, only those missing.
#   run:   nothing beyond Python (PyMuPDF and the models are pip/PyPI artefacts)
#   test:  fonts to render ground-truth pages, Chromium for the web page tests, poppler-utils (pdftotext: a second reader of
#          the searchable PDF), Tesseract and GNU time for the bench's own tests
#   bench: Tesseract 5 (English + simplified Chinese) to compare against, GNU time; the real-document
#          corpus is fetched with apt-get download + dpkg-deb (nothing installed), which needs package lists
#   image: podman and podman-compose to build and run the production image, CNI's dnsname plugin (services
#          find each other by name: without it the worker cannot resolve `redis`), mmdebstrap for a local base image,
#          runc (see deploy/images/podman_env.sh), fonts for the test PDF
set -euo pipefail
profile=${1:-test}
pkgs=()
case "$profile" in
  run) ;;
  venv) pkgs=(python3-venv) ;;
  test) pkgs=(fonts-dejavu-core fonts-liberation fonts-noto-cjk chromium poppler-utils tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim time) ;;
  bench) pkgs=(fonts-dejavu-core fonts-liberation fonts-noto-cjk tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim time) ;;
  image) pkgs=(podman podman-compose golang-github-containernetworking-plugin-dnsname mmdebstrap runc fonts-dejavu-core fonts-liberation) ;;
  *) echo "unknown profile: $profile" >&2; exit 2 ;;
esac
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ "$profile" = bench ] && ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
  $SUDO apt-get update -q  # apt-get download finds the pinned documentation packages through these lists
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0
echo "installing Debian packages: ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
