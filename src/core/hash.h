/* FNV-1a 64-bit hashing for cache keys. Not a cryptographic hash. */
#ifndef CLMLP_CORE_HASH_H
#define CLMLP_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define CLMLP_HASH_SEED UINT64_C(0xcbf29ce484222325)

/* Folds size bytes of data into hash and returns the new hash. Start from
 * CLMLP_HASH_SEED. */
uint64_t clmlp_hash_bytes(uint64_t hash, const void *data, size_t size);

/* Folds a NUL-terminated string, and its terminator, into hash. The
 * terminator keeps ("ab", "c") and ("a", "bc") apart. */
uint64_t clmlp_hash_string(uint64_t hash, const char *text);

#endif
