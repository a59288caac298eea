/* Philox4x32-10 against the Random123 known-answer values, and its uniform
 * and normal conversions. */
#include <math.h>

#include "common.h"
#include "core/philox.h"

static void check_known_answer(const uint32_t counter[4], const uint32_t key[2],
                               const uint32_t want[4])
{
    uint32_t got[4];
    clmlp_philox4x32_10(counter, key, got);
    for (int i = 0; i < 4; i++)
        ck_assert_msg(got[i] == want[i], "word %d: got 0x%08x, want 0x%08x", i, got[i], want[i]);
}

START_TEST(philox_known_answers)
{
    const uint32_t zero_counter[4] = {0, 0, 0, 0}, zero_key[2] = {0, 0};
    const uint32_t zero_want[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
    check_known_answer(zero_counter, zero_key, zero_want);

    const uint32_t ones_counter[4] = {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff};
    const uint32_t ones_key[2] = {0xffffffff, 0xffffffff};
    const uint32_t ones_want[4] = {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd};
    check_known_answer(ones_counter, ones_key, ones_want);

    const uint32_t pi_counter[4] = {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344};
    const uint32_t pi_key[2] = {0xa4093822, 0x299f31d0};
    const uint32_t pi_want[4] = {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1};
    check_known_answer(pi_counter, pi_key, pi_want);
}
END_TEST

START_TEST(philox_input_not_modified)
{
    const uint32_t counter[4] = {1, 2, 3, 4}, key[2] = {5, 6};
    uint32_t first[4], second[4];
    clmlp_philox4x32_10(counter, key, first);
    clmlp_philox4x32_10(counter, key, second);
    for (int i = 0; i < 4; i++)
        ck_assert_uint_eq(first[i], second[i]);
    ck_assert_uint_eq(counter[0], 1);
    ck_assert_uint_eq(key[1], 6);
}
END_TEST

START_TEST(uniform_bounds)
{
    ck_assert_float_eq(clmlp_philox_uniform(0), 0.0f);
    ck_assert_float_lt(clmlp_philox_uniform(0xffffffffu), 1.0f);
    ck_assert_float_eq(clmlp_philox_uniform(0x80000000u), 0.5f);
    ck_assert_float_gt(clmlp_philox_uniform_open_zero(0), 0.0f);
    ck_assert_float_eq(clmlp_philox_uniform_open_zero(0xffffffffu), 1.0f);
}
END_TEST

/* Draws 4 * blocks words from consecutive counters under one key. */
static void draw_moments(size_t blocks, bool normal, double *mean, double *variance)
{
    const uint32_t key[2] = {0x12345678, 0x9abcdef0};
    double sum = 0.0, sum_squares = 0.0;
    size_t n = 0;
    for (uint32_t b = 0; b < blocks; b++) {
        uint32_t counter[4] = {b, 0, 0, 0}, words[4];
        clmlp_philox4x32_10(counter, key, words);
        float values[4];
        if (normal) {
            clmlp_philox_normal2(words[0], words[1], values);
            clmlp_philox_normal2(words[2], words[3], values + 2);
        } else {
            for (int i = 0; i < 4; i++)
                values[i] = clmlp_philox_uniform(words[i]);
        }
        for (int i = 0; i < 4; i++) {
            ck_assert(isfinite(values[i]));
            sum += values[i];
            sum_squares += (double)values[i] * values[i];
            n++;
        }
    }
    *mean = sum / (double)n;
    *variance = sum_squares / (double)n - *mean * *mean;
}

START_TEST(uniform_moments)
{
    double mean = 0.0, variance = 0.0;
    draw_moments(50000, false, &mean, &variance);
    /* 200000 draws: the standard error of the mean is about 0.00065. */
    ck_assert_double_lt(fabs(mean - 0.5), 0.005);
    ck_assert_double_lt(fabs(variance - 1.0 / 12.0), 0.002);
}
END_TEST

START_TEST(normal_moments)
{
    double mean = 0.0, variance = 0.0;
    draw_moments(50000, true, &mean, &variance);
    /* 200000 draws: the standard error of the mean is about 0.0022. */
    ck_assert_double_lt(fabs(mean), 0.015);
    ck_assert_double_lt(fabs(variance - 1.0), 0.03);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("philox");
    TCase *tc = tcase_create("host");
    tcase_add_test(tc, philox_known_answers);
    tcase_add_test(tc, philox_input_not_modified);
    tcase_add_test(tc, uniform_bounds);
    tcase_add_test(tc, uniform_moments);
    tcase_add_test(tc, normal_moments);
    suite_add_tcase(suite, tc);
    return run_suite(suite, false);
}
