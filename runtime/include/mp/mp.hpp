#pragma once
// The mp runtime: C++ processes with the semantics of Python's multiprocessing. One include for
// everything; each header documents its part. Call mp::init(argc, argv) first in main().

#include "mp/errors.hpp"
#include "mp/serialize.hpp"
#include "mp/process.hpp"
#include "mp/context.hpp"
#include "mp/synchronize.hpp"
#include "mp/shared.hpp"
#include "mp/connection.hpp"
#include "mp/queue.hpp"
#include "mp/pool.hpp"
#include "mp/managers.hpp"
