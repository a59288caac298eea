#!/bin/sh
# Installs the build into a temporary DESTDIR, compiles the example program
# tools/examples/predict.c outside the tree with
# `cc predict.c $(pkg-config --cflags --libs clmlp)`, and runs it against the
# installed library.
#
# usage: install_example.sh MESON BUILD_DIR SOURCE_DIR SANITIZE
set -u

meson=$1 build=$2 source=$3 sanitize=$4
if [ "$sanitize" != none ]; then
  # The example is compiled without the sanitizer runtime that the library
  # needs in such a build.
  echo "library built with -Db_sanitize=$sanitize: skipped"
  exit 77
fi

dir=$(mktemp -d /tmp/clmlp-install-XXXXXX)
trap 'rm -rf "$dir"' EXIT
destdir="$dir/root"

"$meson" install -C "$build" --destdir "$destdir" --no-rebuild --quiet >"$dir/install.log" 2>&1 || {
  cat "$dir/install.log"
  echo "FAIL: meson install exited with $?"
  exit 1
}

pc=$(find "$destdir" -name clmlp.pc | head -n 1)
library=$(find "$destdir" -name 'libclmlp.so*' | head -n 1)
[ -n "$pc" ] || { echo "FAIL: clmlp.pc was not installed"; exit 1; }
[ -n "$library" ] || { echo "FAIL: libclmlp.so was not installed"; exit 1; }
[ -n "$(find "$destdir" -name mlp-train -type f)" ] || { echo "FAIL: mlp-train was not installed"; exit 1; }
[ -n "$(find "$destdir" -path '*/include/clmlp/io.h')" ] || { echo "FAIL: clmlp/io.h was not installed"; exit 1; }

# The .pc file names the final prefix; the sysroot variable points pkg-config
# at the copy under DESTDIR instead.
PKG_CONFIG_PATH=$(dirname "$pc")
PKG_CONFIG_SYSROOT_DIR=$destdir
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
flags=$(pkg-config --cflags --libs clmlp) || { echo "FAIL: pkg-config does not find clmlp"; exit 1; }
echo "pkg-config --cflags --libs clmlp: $flags"

cp "$source/tools/examples/predict.c" "$dir/example.c"
cd "$dir" || exit 1
# shellcheck disable=SC2086 # the flags are words by design
cc -std=c11 -Wall -Wextra -Werror example.c $flags -o example || {
  echo "FAIL: the example does not compile against the installed headers and library"
  exit 1
}
LD_LIBRARY_PATH=$(dirname "$library") ./example "$dir/example.safetensors"
rc=$?
[ $rc -eq 0 ] || { echo "FAIL: the example exited with $rc"; exit 1; }
