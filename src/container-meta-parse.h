/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the container metadata module only: what the lookup
 * (container-meta.c, file access) takes from the pure parsers
 * (container-meta-parse.c) beyond the public container-meta.h.
 */
#ifndef NSWATCH_CONTAINER_META_PARSE_H
#define NSWATCH_CONTAINER_META_PARSE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "container-meta.h"

#define META_MAX_FILE (4u << 20)	/* any state file we read */

/* Extra facts the lookup needs beyond struct nsw_container. */
struct meta_extra {
	char sandbox_id[CONTAINER_ID_MAX];
	char bundle[PATH_MAX];
	bool is_sandbox;
	bool crio;
	bool libpod;
	bool cri;
	bool nerdctl;
};

/* Copy src into the empty field dst: the first source of a field wins. */
void meta_fill(char *dst, size_t dstlen, const char *src);
#define FILL(field, src) meta_fill((field), sizeof(field), (src))

/* s is exactly n lower-case hex digits. */
bool meta_is_lhex_str(const char *s, size_t n);

/* The parsers of container-meta.h that also fill the lookup's extra facts
 * into `x` (NULL: none).  0 or -EINVAL. */
int meta_parse_oci_config(const char *json, size_t len,
			  struct nsw_container *out, struct meta_extra *x);
int meta_parse_runc_state(const char *json, size_t len,
			  struct nsw_container *out, struct meta_extra *x);
int meta_parse_docker_config(const char *json, size_t len,
			     struct nsw_container *out, struct meta_extra *x);
/* containerd's CRI checkpoint: init pid, start time (x unused). */
int meta_parse_cri_status(const char *json, size_t len,
			  struct nsw_container *out, struct meta_extra *x);
/* containers-storage containers.json: names and image of container `id`. */
void meta_parse_storage_index(const char *json, size_t len, const char *id,
			      struct nsw_container *out);
/* docker hostconfig.json: privileged. */
void meta_parse_docker_hostconfig(const char *json, size_t len,
				  struct nsw_container *out);
/* The JSON string value after `key` in buf (podman's libpod database). */
bool meta_value_after(const char *buf, size_t len, const char *key,
		      const char **at, char *out, size_t outlen);

#endif
