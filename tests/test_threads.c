/* Two contexts that train from two threads at once give the same weights as
 * the same runs one after the other. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "train_scratch.h"

#define HIDDEN 16
#define W2_COUNT (HIDDEN * BLOCK_CLASSES)

typedef struct run {
    const char *selector;
    const clmlp_mnist *split;
    float lr;
    float w2[W2_COUNT];
    clmlp_status status;
    char message[512];    /* the thread's error message, read by the main thread */
} run;

/* Creates a context, trains on it and frees it. The error message is
 * thread-local, so the thread copies it out for the main thread. */
static void *train_in_context(void *arg)
{
    run *r = arg;
    clmlp_context *ctx = NULL;
    r->status = clmlp_context_create(r->selector, &ctx);
    if (r->status == CLMLP_SUCCESS)
        r->status = train_scratch(ctx, r->split, HIDDEN, 3, r->lr, r->w2);
    snprintf(r->message, sizeof r->message, "%s", clmlp_error_message());
    clmlp_context_free(ctx);
    return NULL;
}

static void assert_run_ok(const run *r, const char *when)
{
    ck_assert_msg(r->status == CLMLP_SUCCESS, "%s run at lr %g returned %s: %s", when,
                  (double)r->lr, clmlp_status_name(r->status), r->message);
}

START_TEST(parallel_training_matches_sequential)
{
    clmlp_device_info *devices = NULL;
    size_t count = 0;
    ck_assert_ok(clmlp_list_devices(&devices, &count));
    char selector[32];
    snprintf(selector, sizeof selector, "%u:%u", devices[_i].platform_index,
             devices[_i].device_index);
    free(devices);

    clmlp_mnist split;
    make_block_split(400, 6, &split);

    /* Different learning rates, so a mix-up between the runs shows. */
    run sequential[2] = {{selector, &split, 0.2f, {0}, 0, ""},
                         {selector, &split, 0.4f, {0}, 0, ""}};
    run parallel[2] = {{selector, &split, 0.2f, {0}, 0, ""},
                       {selector, &split, 0.4f, {0}, 0, ""}};
    for (int r = 0; r < 2; r++) {
        train_in_context(&sequential[r]);
        assert_run_ok(&sequential[r], "sequential");
    }

    pthread_t threads[2];
    for (int r = 0; r < 2; r++)
        ck_assert_int_eq(pthread_create(&threads[r], NULL, train_in_context, &parallel[r]), 0);
    for (int r = 0; r < 2; r++)
        ck_assert_int_eq(pthread_join(threads[r], NULL), 0);

    for (int r = 0; r < 2; r++) {
        assert_run_ok(&parallel[r], "parallel");
        for (int i = 0; i < W2_COUNT; i++)
            ck_assert_msg(parallel[r].w2[i] == sequential[r].w2[i],
                          "run %d W2[%d]: %.9g in parallel, %.9g in sequence", r, i,
                          (double)parallel[r].w2[i], (double)sequential[r].w2[i]);
    }
    ck_assert_msg(memcmp(sequential[0].w2, sequential[1].w2, sizeof sequential[0].w2) != 0,
                  "both learning rates gave the same W2");
    clmlp_mnist_free(&split);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("threads");
    TCase *tc = tcase_create("device");
    tcase_set_timeout(tc, 600);
    add_device_test(tc, parallel_training_matches_sequential);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
