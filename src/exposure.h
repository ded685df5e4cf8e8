/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static exposure of a container (`nswatch ps`): the settings that make
 * an escape possible before any attack happens (privileged, the host's
 * pid/net/ipc/uts namespaces, host paths and the runtime's socket
 * mounted, dangerous capabilities, no seccomp, AppArmor unconfined).
 * Pure: the evidence comes in as text (/proc/<pid>/status and mountinfo,
 * namespace inode numbers, the OCI config.json); no I/O, no logging.
 * Evidence and what a container can fake: doc/container-mapping.md §6.
 */
#ifndef NSWATCH_EXPOSURE_H
#define NSWATCH_EXPOSURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* In the order ps prints them (names and letters: exposure_name()). */
enum nsw_exposure {
	NSW_EXP_PRIVILEGED,
	NSW_EXP_HOST_PID,
	NSW_EXP_HOST_NETWORK,
	NSW_EXP_HOST_IPC,
	NSW_EXP_HOST_UTS,
	NSW_EXP_HOST_PATH_ROOT,		/* the host's / */
	NSW_EXP_HOST_PATH_SENSITIVE,	/* /proc, /sys, /dev, /etc, /root,
					 * /run, /var/run, /boot, ... */
	NSW_EXP_RUNTIME_SOCKET,		/* containerd/docker/crio/podman */
	NSW_EXP_CAP_SYS_ADMIN,
	NSW_EXP_CAP_SYS_MODULE,
	NSW_EXP_CAP_SYS_PTRACE,
	NSW_EXP_CAP_DAC_READ_SEARCH,
	NSW_EXP_CAP_BPF,
	NSW_EXP_CAP_SYS_RAWIO,
	NSW_EXP_NO_SECCOMP,
	NSW_EXP_APPARMOR_UNCONFINED,
	NSW_EXP_COUNT
};

#define NSW_EXP_BIT(e)	(1u << (e))
#define NSW_EXP_ALL	((1u << NSW_EXP_COUNT) - 1)

/* "privileged", "host-pid", ..., "cap-sys-admin", "no-seccomp",
 * "apparmor-unconfined"; NULL out of range. */
const char *exposure_name(enum nsw_exposure e);
/* The one-letter column of the ps table ('?' out of range). */
char exposure_letter(enum nsw_exposure e);
/* A comma-separated list of names into a mask.  0, or -EINVAL naming an
 * unknown flag (its start in *bad, may be NULL). */
int exposure_parse_names(const char *list, uint32_t *mask, const char **bad);

#define EXPOSURE_MAX_PATHS 8
#define EXPOSURE_PATH_MAX 256

/* What one container is exposed to, by source of evidence. */
struct exposure_report {
	uint32_t kernel;	/* from its init's kernel state */
	uint32_t config;	/* from the runtime's config.json */
	bool kernel_read;	/* the init's status could be read */
	bool config_read;	/* a config.json was found and parsed */
	/* the host paths behind the host-path and runtime-socket flags,
	 * each once, in the order found (kernel evidence first) */
	char paths[EXPOSURE_MAX_PATHS][EXPOSURE_PATH_MAX];
	int n_paths;
};

/* Both sources together. */
static inline uint32_t exposure_flags(const struct exposure_report *r)
{
	return r->kernel | r->config;
}

/* The fields of /proc/<pid>/status the exposure uses. */
struct exposure_status {
	uint64_t cap_eff;
	uint64_t cap_bnd;
	int seccomp;		/* 0 none, 1 strict, 2 filter; -1 unknown */
	bool no_new_privs;
};

/* Parse /proc/<pid>/status.  0, or -EINVAL without a CapEff line. */
int exposure_parse_status(const char *text, size_t len,
			  struct exposure_status *out);

/* The kernel's view of a container's init. */
struct exposure_kernel {
	const struct exposure_status *status;	/* NULL: unread */
	const struct nsw_ns_set *ns;		/* NULL: unread */
	const struct nsw_ns_set *host_ns;	/* NULL: unknown */
	const char *mountinfo;			/* the init's; NULL: unread */
	size_t mountinfo_len;
	const char *host_mountinfo;		/* the host reference's */
	size_t host_mountinfo_len;
	const char *apparmor;	/* attr/current label; NULL: unread */
	bool apparmor_enabled;	/* AppArmor is the host's LSM */
};

/* Add the kernel evidence to r->kernel (and its host paths). */
void exposure_from_kernel(const struct exposure_kernel *k,
			  struct exposure_report *r);

/* Add the evidence of an OCI runtime config.json to r->config.
 * apparmor_enabled as above.  0, or -EINVAL (not an OCI config). */
int exposure_from_oci(const char *json, size_t len, bool apparmor_enabled,
		      struct exposure_report *r);

/* The flags a host path mounted into a container raises: host-path-root
 * for "/", host-path-sensitive for a sensitive directory or one holding
 * one, runtime-socket for a runtime's socket or a directory holding it. */
uint32_t exposure_classify_host_path(const char *path);

#endif
