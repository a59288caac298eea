/* clmlp: multilayer perceptrons trained and run on OpenCL devices.
 * This header includes every public module header. */
#ifndef CLMLP_H
#define CLMLP_H

#include "clmlp/status.h"
#include "clmlp/runtime.h"
#include "clmlp/profile.h"
#include "clmlp/tensor.h"
#include "clmlp/autograd.h"
#include "clmlp/ops.h"
#include "clmlp/batched.h"
#include "clmlp/optim.h"
#include "clmlp/model.h"
#include "clmlp/hyper.h"
#include "clmlp/nn.h"
#include "clmlp/data.h"
#include "clmlp/train.h"
#include "clmlp/predict.h"
#include "clmlp/io.h"

#endif
