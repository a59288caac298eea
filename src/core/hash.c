/* FNV-1a 64-bit hashing for cache keys. */
#include "core/hash.h"

#include <string.h>

uint64_t clmlp_hash_bytes(uint64_t hash, const void *data, size_t size)
{
    const unsigned char *bytes = data;
    for (size_t i = 0; i < size; i++) {
        hash ^= bytes[i];
        hash *= UINT64_C(0x100000001b3);
    }
    return hash;
}

uint64_t clmlp_hash_string(uint64_t hash, const char *text)
{
    return clmlp_hash_bytes(hash, text, strlen(text) + 1);
}
