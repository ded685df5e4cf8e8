/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The output path alone (src/output.c), without a kernel or a monitor:
 * B batches of L lines of S bytes each, one batch every P us (the eBPF
 * reader hands its lines over once per batch, batches 4 ms apart in an
 * exec storm), written to FILE through the writer thread (QUEUE MiB) or
 * from the calling thread (QUEUE 0), with F MiB of write-behind.  Prints
 * the CPU used per line (both threads) and the context switches, to tell
 * what writing costs from what handing lines to the writer thread costs.
 * Needs no privilege and takes no lock: nothing here touches BPF, audit
 * or containers.  Build from a configured tree:
 *
 *   cc -O2 -I. -Isrc -o output-bench bench/output-bench.c libnswcore.a \
 *      -lpthread
 *   ./output-bench FILE QUEUE S B L P F
 *   (an exec storm's lines: ./output-bench /tmp/o.json 32 19000 750 10 4000 2)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "output.h"

static double cpu_us(const struct rusage *a, const struct rusage *b)
{
	return (b->ru_utime.tv_sec - a->ru_utime.tv_sec) * 1e6 +
	       (b->ru_utime.tv_usec - a->ru_utime.tv_usec) +
	       (b->ru_stime.tv_sec - a->ru_stime.tv_sec) * 1e6 +
	       (b->ru_stime.tv_usec - a->ru_stime.tv_usec);
}

int main(int argc, char **argv)
{
	struct rusage r0, r1;
	struct output *out;
	size_t queue, size;
	long batches, lines, period, b, l;
	char *line;

	if (argc != 8) {
		fprintf(stderr, "usage: %s FILE QUEUE_MIB LINE_BYTES BATCHES "
			"LINES_PER_BATCH PERIOD_US FLUSH_AFTER_MIB\n", argv[0]);
		return 2;
	}
	queue = strtoul(argv[2], NULL, 10);
	size = strtoul(argv[3], NULL, 10);
	batches = atol(argv[4]);
	lines = atol(argv[5]);
	period = atol(argv[6]);
	line = malloc(size);
	if (!line || size < 2 || batches <= 0 || lines <= 0)
		return 2;
	memset(line, 'x', size);
	line[size - 1] = '\n';
	unlink(argv[1]);
	out = output_open(argv[1]);
	if (!out)
		return 1;
	output_set_flush_after(out, strtoull(argv[7], NULL, 10) << 20);
	if (queue && output_start_writer(out, queue << 20) < 0)
		return 1;
	getrusage(RUSAGE_SELF, &r0);
	for (b = 0; b < batches; b++) {
		for (l = 0; l < lines; l++)
			output_write(out, line, size);
		output_flush(out);
		usleep((useconds_t)period);
	}
	output_close(out);
	getrusage(RUSAGE_SELF, &r1);
	printf("queue=%zu MiB: %.1f us of CPU per line, %ld voluntary and "
	       "%ld involuntary context switches, %llu lines dropped\n",
	       queue, cpu_us(&r0, &r1) / (double)(batches * lines),
	       r1.ru_nvcsw - r0.ru_nvcsw, r1.ru_nivcsw - r0.ru_nivcsw,
	       (unsigned long long)output_dropped(out));
	unlink(argv[1]);
	return 0;
}
