/* Seeded Fisher-Yates permutations: validity, repeatability and balance. */
#include <stdlib.h>

#include "common.h"
#include "data/shuffle.h"

static void assert_permutation(const int32_t *order, size_t count)
{
    char *seen = calloc(count, 1);
    ck_assert_ptr_nonnull(seen);
    for (size_t i = 0; i < count; i++) {
        ck_assert_msg(order[i] >= 0 && (size_t)order[i] < count, "order[%zu] = %d is out of range",
                      i, order[i]);
        ck_assert_msg(!seen[order[i]], "order[%zu] = %d appears twice", i, order[i]);
        seen[order[i]] = 1;
    }
    free(seen);
}

START_TEST(shuffle_gives_permutations)
{
    const size_t counts[] = {1, 2, 3, 7, 1000, 60000};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        int32_t *order = malloc(counts[c] * sizeof *order);
        ck_assert_ptr_nonnull(order);
        for (uint64_t epoch = 0; epoch < 3; epoch++) {
            clmlp_shuffle_permutation(order, counts[c], 7, epoch);
            assert_permutation(order, counts[c]);
        }
        free(order);
    }
}
END_TEST

START_TEST(shuffle_repeats_for_same_seed)
{
    int32_t first[500], second[500];
    clmlp_shuffle_permutation(first, 500, 123, 4);
    clmlp_shuffle_permutation(second, 500, 123, 4);
    for (size_t i = 0; i < 500; i++)
        ck_assert_int_eq(first[i], second[i]);
}
END_TEST

static size_t count_differences(const int32_t *a, const int32_t *b, size_t count)
{
    size_t differences = 0;
    for (size_t i = 0; i < count; i++)
        differences += a[i] != b[i];
    return differences;
}

START_TEST(shuffle_differs_by_epoch_and_seed)
{
    int32_t base[500], other[500];
    clmlp_shuffle_permutation(base, 500, 123, 0);

    /* A fresh permutation of 500 keeps about one element in place. */
    clmlp_shuffle_permutation(other, 500, 123, 1);
    ck_assert_uint_gt(count_differences(base, other, 500), 450);
    clmlp_shuffle_permutation(other, 500, 124, 0);
    ck_assert_uint_gt(count_differences(base, other, 500), 450);

    /* The high halves of seed and epoch count too. */
    clmlp_shuffle_permutation(other, 500, 123 + ((uint64_t)1 << 32), 0);
    ck_assert_uint_gt(count_differences(base, other, 500), 450);
    clmlp_shuffle_permutation(other, 500, 123, (uint64_t)1 << 32);
    ck_assert_uint_gt(count_differences(base, other, 500), 450);
}
END_TEST

START_TEST(shuffle_positions_are_balanced)
{
    /* Over 10000 epochs each element lands in each of 5 positions about 2000
     * times (standard deviation 40); a biased shuffle misses by hundreds. */
    enum { COUNT = 5, EPOCHS = 10000 };
    size_t hits[COUNT][COUNT] = {{0}};
    int32_t order[COUNT];
    for (uint64_t epoch = 0; epoch < EPOCHS; epoch++) {
        clmlp_shuffle_permutation(order, COUNT, 99, epoch);
        for (size_t p = 0; p < COUNT; p++)
            hits[order[p]][p]++;
    }
    for (size_t e = 0; e < COUNT; e++)
        for (size_t p = 0; p < COUNT; p++)
            ck_assert_msg(hits[e][p] > 1750 && hits[e][p] < 2250,
                          "element %zu landed at position %zu %zu times, expected about 2000", e,
                          p, hits[e][p]);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("shuffle");
    TCase *tc = tcase_create("host");
    tcase_add_test(tc, shuffle_gives_permutations);
    tcase_add_test(tc, shuffle_repeats_for_same_seed);
    tcase_add_test(tc, shuffle_differs_by_epoch_and_seed);
    tcase_add_test(tc, shuffle_positions_are_balanced);
    suite_add_tcase(suite, tc);
    return run_suite(suite, false);
}
