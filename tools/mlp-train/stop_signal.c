/* Records SIGINT and SIGTERM in a flag, the only thing that is safe to do
 * in a signal handler here. */
#include "stop_signal.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t received = 0;

static void record_signal(int signo)
{
    if (received == 0)
        received = signo;
}

int stop_signal_install(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = record_signal;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGINT, &action, NULL) != 0 || sigaction(SIGTERM, &action, NULL) != 0)
        return 1;
    return 0;
}

int stop_signal_received(void)
{
    return received;
}
