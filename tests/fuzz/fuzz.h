/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libFuzzer entry points, declared once for fuzz targets and the
 * replay driver (replay-main.c). */
#ifndef NSWATCH_FUZZ_H
#define NSWATCH_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Every target defines this; it must not keep `data` after returning. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional, called once before the first input (weak in the driver). */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
