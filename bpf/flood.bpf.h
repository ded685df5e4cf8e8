/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Floods: per mount namespace counts of held-back namespace calls,
 * rate windows and the ring buffer's reserve.
 * Part of nswatch.bpf.c, included by it only (one object: maps,
 * knobs and helpers defined before the include are in scope).
 */
#ifndef NSW_FLOOD_BPF_H
#define NSW_FLOOD_BPF_H

/* --- floods: what a pod can repeat cheaply stays out of the ring ----- */

/*
 * A pod can call setns(-1, 0) some 300 000 times a second.  Sent as
 * records, those calls wake the reader each time, become ~11 KB lines
 * each (GBs in seconds) and fill the ring buffer, so that the one escape
 * made in the middle of them is lost.  Instead, namespace calls by
 * processes outside the host's mnt or pid namespace that cannot change a
 * namespace (EBADF, EINVAL), or that exceed rate_limit per second for
 * their mount namespace (rate_limit_total for all), are only counted in
 * `floods`; user space reports the counts once a second per mount
 * namespace, with an alert naming the container.  An escape is never
 * held, and other records are not queued once more than reserve_avail
 * bytes wait in the ring buffer (urgent execs, nsenter, once more than
 * half the rest), so the room above that is left to escapes.
 */
#define RATE_WINDOW_NS	1000000000ull

/* Global rate window (races between CPUs cost precision, not records):
 * budgets for calls that changed nothing [0] and that did [1]. */
__u64 rl_window_start = 0;
__u32 rl_window_sent[2] = {};

/* More than reserve_avail bytes wait: keep the rest for escapes. */
static __always_inline bool ring_crowded(void)
{
	return reserve_avail &&
	       bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > reserve_avail;
}

/* The same for urgent execs (nsenter, killed), which may use half of the
 * room left, so that a burst of them cannot take it all either. */
static __always_inline bool ring_crowded_urgent(void)
{
	__u64 size, avail;

	if (!reserve_avail)
		return false;
	size = bpf_ringbuf_query(&events, BPF_RB_RING_SIZE);
	avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	return size > reserve_avail &&
	       avail > reserve_avail + (size - reserve_avail) / 2;
}

static __always_inline struct nsw_bpf_flood *flood_entry(__u32 mnt_ns)
{
	struct nsw_bpf_flood_key k = { .mnt_ns = mnt_ns };
	struct nsw_bpf_flood *f;
	__u32 zero = 0;
	void *init;

	f = bpf_map_lookup_elem(&floods, &k);
	if (f)
		return f;
	init = bpf_map_lookup_elem(&flood_zero, &zero);
	if (!init)
		return NULL;
	bpf_map_update_elem(&floods, &k, init, BPF_NOEXIST);
	return bpf_map_lookup_elem(&floods, &k);
}

/* Name the current task as the entry's caller, at most once a second. */
static __always_inline void flood_sample(struct nsw_bpf_flood *f, __u64 now)
{
	if (f->hdr.version && now - f->sampled_ns < RATE_WINDOW_NS)
		return;
	f->sampled_ns = now;
	__builtin_memset(&f->hdr, 0, sizeof(f->hdr));
	cur_fill_hdr(&f->hdr, NSW_BPF_REC_FLOOD, sizeof(*f));
}

/* A record of this mount namespace was lost to a full ring buffer. */
static __always_inline void flood_dropped(__u32 mnt_ns)
{
	struct nsw_bpf_flood *f = flood_entry(mnt_ns);
	__u64 now = bpf_ktime_get_boot_ns();

	if (!f)
		return;
	__sync_fetch_and_add(&f->dropped, 1);
	f->last_ns = now;
	flood_sample(f, now);
}

#endif /* NSW_FLOOD_BPF_H */
