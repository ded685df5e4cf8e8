/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exposure.c: the flag names, the host-path classification, the parsers
 * of /proc/<pid>/status and mountinfo against a host's mountinfo, and the
 * OCI config.json (tests/fixtures/exposure: configs written by the
 * integration harness's _ct_config, as runc ran them).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exposure.h"
#include "tap.h"

#define B(e) NSW_EXP_BIT(NSW_EXP_##e)
#define CAPS6 (B(CAP_SYS_ADMIN) | B(CAP_SYS_MODULE) | B(CAP_SYS_PTRACE) | \
	       B(CAP_DAC_READ_SEARCH) | B(CAP_BPF) | B(CAP_SYS_RAWIO))

/* The flags as names, for readable failures. */
static const char *names(uint32_t f)
{
	static char buf[4][512];
	static int k;
	char *b = buf[k++ % 4];
	size_t o = 0;
	int i;

	b[0] = '\0';
	for (i = 0; i < NSW_EXP_COUNT; i++)
		if (f & NSW_EXP_BIT(i))
			o += (size_t)snprintf(b + o, sizeof(buf[0]) - o, "%s%s",
					      o ? "," : "",
					      exposure_name((enum nsw_exposure)i));
	return b;
}

#define is_flags(got, want, ...) is_str(names(got), names(want), __VA_ARGS__)

static void test_names(void)
{
	uint32_t m;
	const char *bad = NULL;
	int i;

	for (i = 0; i < NSW_EXP_COUNT; i++) {
		const char *n = exposure_name((enum nsw_exposure)i);

		ok(n && exposure_letter((enum nsw_exposure)i) != '?',
		   "flag %d has a name (%s) and a letter", i, n ? n : "-");
		ok(exposure_parse_names(n, &m, NULL) == 0 &&
		   m == NSW_EXP_BIT(i), "%s parses back to its bit", n);
	}
	ok(exposure_name(NSW_EXP_COUNT) == NULL, "no name past the end");
	is_int(exposure_parse_names("host-pid,cap-bpf", &m, NULL), 0,
	       "a list parses");
	is_flags(m, B(HOST_PID) | B(CAP_BPF), "a list gives both bits");
	is_int(exposure_parse_names("host-pid,host", &m, &bad), -EINVAL,
	       "a prefix of a name is not a name");
	is_str(bad, "host", "the bad name is pointed at");
	is_int(exposure_parse_names("", &m, NULL), 0, "empty list");
	is_int((int)m, 0, "empty list: no flag");
}

static void test_classify(void)
{
	static const struct {
		const char *path;
		uint32_t want;
	} c[] = {
		{ "/", B(HOST_PATH_ROOT) },
		{ "/etc", B(HOST_PATH_SENSITIVE) },
		{ "/etc/kubernetes/pki", B(HOST_PATH_SENSITIVE) },
		{ "/proc", B(HOST_PATH_SENSITIVE) },
		{ "/proc/sys/kernel", B(HOST_PATH_SENSITIVE) },
		{ "/sys/fs/cgroup", B(HOST_PATH_SENSITIVE) },
		{ "/root/.ssh", B(HOST_PATH_SENSITIVE) },
		{ "/lib/modules", B(HOST_PATH_SENSITIVE) },
		/* holds /usr/lib/modules */
		{ "/usr", B(HOST_PATH_SENSITIVE) },
		/* holds /var/run, /var/lib/kubelet and docker.sock */
		{ "/var", B(HOST_PATH_SENSITIVE) | B(RUNTIME_SOCKET) },
		{ "/var/run", B(HOST_PATH_SENSITIVE) | B(RUNTIME_SOCKET) },
		{ "/run", B(HOST_PATH_SENSITIVE) | B(RUNTIME_SOCKET) },
		{ "/dev", B(HOST_PATH_SENSITIVE) },
		{ "/var/run/docker.sock", B(RUNTIME_SOCKET) },
		{ "/run/containerd", B(RUNTIME_SOCKET) },
		{ "/run/containerd/containerd.sock", B(RUNTIME_SOCKET) },
		{ "/run/crio/crio.sock", B(RUNTIME_SOCKET) },
		{ "/run/podman/podman.sock", B(RUNTIME_SOCKET) },
		{ "/srv/sockets/docker.sock", B(RUNTIME_SOCKET) },
		{ "/dev/vda", B(HOST_PATH_SENSITIVE) },
		{ "/dev/mem", B(HOST_PATH_SENSITIVE) },
		/* what runtimes mount into every container */
		{ "/dev/null", 0 },
		{ "/dev/net/tun", 0 },
		{ "/run/containerd/io.containerd.runtime.v2.task/k8s.io/x/rootfs",
		  0 },
		{ "/run/containers/storage/overlay-containers/x/userdata/hostname",
		  0 },
		{ "/var/lib/kubelet/pods/u/volumes/kubernetes.io~empty-dir/d", 0 },
		{ "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/s/hosts",
		  0 },
		{ "/data", 0 },
		{ "/tmp/containerd.socket", 0 },
		{ "/etcetera", 0 },
		{ "relative/etc", 0 },
		{ "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		is_flags(exposure_classify_host_path(c[i].path), c[i].want,
			 "host path '%s'", c[i].path);
	is_int((int)exposure_classify_host_path(NULL), 0, "NULL path");
}

/* /proc/<pid>/status as the kernel writes it (6.x), trimmed. */
#define STATUS(eff, bnd, nnp, sec)					\
	"Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\n"		\
	"Uid:\t0\t0\t0\t0\nCapInh:\t0000000000000000\n"			\
	"CapPrm:\t" eff "\nCapEff:\t" eff "\nCapBnd:\t" bnd "\n"	\
	"CapAmb:\t0000000000000000\nNoNewPrivs:\t" nnp "\n"		\
	"Seccomp:\t" sec "\nSeccomp_filters:\t" sec "\n"		\
	"Speculation_Store_Bypass:\tthread vulnerable\n"

/* containerd's default set; every capability of this machine */
#define CAPS_DEFAULT "00000000a80425fb"
#define CAPS_ALL "000001fffeffffff"

static void test_status(void)
{
	struct exposure_status st;
	const char *t;

	t = STATUS(CAPS_DEFAULT, CAPS_DEFAULT, "0", "2");
	is_int(exposure_parse_status(t, strlen(t), &st), 0, "status parses");
	ok(st.cap_eff == 0xa80425fbull && st.cap_bnd == 0xa80425fbull,
	   "CapEff and CapBnd");
	is_int(st.seccomp, 2, "Seccomp (not Seccomp_filters)");
	ok(!st.no_new_privs, "NoNewPrivs 0");
	t = "Name:\tx\nCapPrm:\t0\n";
	is_int(exposure_parse_status(t, strlen(t), &st), -EINVAL,
	       "no CapEff: not a status file");
	t = "CapEff:\t00000000a80425fb";
	is_int(exposure_parse_status(t, strlen(t), &st), 0,
	       "last line without a newline");
	is_int(st.seccomp, -1, "no Seccomp line: unknown");
}

/* A node: ext4 root, /run on tmpfs, host proc and sysfs, one container
 * root file system (overlay) and a kubelet bind. */
static const char host_mi[] =
	"22 27 0:21 / /proc rw,relatime - proc proc rw\n"
	"23 27 0:22 / /sys rw,relatime - sysfs sysfs rw\n"
	"24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,mode=755\n"
	"27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
	"28 27 0:25 / /run rw,nosuid,nodev shared:5 - tmpfs tmpfs rw,mode=755\n"
	"35 23 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
	"41 23 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
	"60 27 254:0 /var/lib/kubelet /var/lib/kubelet rw shared:1 - ext4 /dev/vda rw\n"
	"61 27 254:0 /srv/my\\040disk /mnt/my\\040disk rw - ext4 /dev/vda rw\n"
	"47 28 0:40 / /run/containerd/io.containerd.runtime.v2.task/k8s.io/abc/rootfs rw - overlay overlay rw,lowerdir=/l\n"
	"70 24 0:23 / /dev/mqueue rw - mqueue mqueue rw\n";

/* An unprivileged containerd container: its own proc/sysfs/tmpfs, the
 * kubelet's and containerd's files, masked paths (one with the host's
 * /dev/null, as under user namespaces). */
static const char ctr_default_mi[] =
	"1000 900 0:40 / / rw,relatime - overlay overlay rw,lowerdir=/l\n"
	"1001 1000 0:50 / /proc rw,nosuid,nodev,noexec - proc proc rw\n"
	"1002 1000 0:51 / /dev rw,nosuid - tmpfs tmpfs rw,mode=755\n"
	"1003 1000 0:52 / /sys ro,nosuid - sysfs sysfs ro\n"
	"1004 1003 0:32 /kubepods/besteffort/podu/abc /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory\n"
	"1005 1000 254:0 /var/lib/kubelet/pods/u/etc-hosts /etc/hosts rw - ext4 /dev/vda rw\n"
	"1006 1000 254:0 /var/lib/kubelet/pods/u/containers/app/1 /dev/termination-log rw - ext4 /dev/vda rw\n"
	"1007 1000 0:25 /containerd/sandboxes/s/resolv.conf /etc/resolv.conf rw - tmpfs tmpfs rw\n"
	"1008 1001 0:51 /null /proc/kcore rw - tmpfs tmpfs rw\n"
	"1009 1001 0:6 /null /proc/keys rw - devtmpfs devtmpfs rw\n"
	"1010 1001 0:53 / /proc/acpi ro - tmpfs tmpfs ro\n"
	"1011 1002 0:54 / /dev/mqueue rw - mqueue mqueue rw\n";

/* A privileged container with hostPath / (rbind: the host's submounts
 * come along) and the containerd socket, and a disk with a blank in its
 * name; nothing masked. */
static const char ctr_priv_mi[] =
	"2000 900 0:41 / / rw - overlay overlay rw,lowerdir=/l\n"
	"2001 2000 0:60 / /proc rw - proc proc rw\n"
	"2002 2000 254:0 / /host rw - ext4 /dev/vda rw\n"
	"2003 2002 0:21 / /host/proc rw - proc proc rw\n"
	"2004 2002 0:25 / /host/run rw - tmpfs tmpfs rw\n"
	"2005 2000 0:25 /containerd/containerd.sock /var/run/cs.sock rw - tmpfs tmpfs rw\n"
	"2006 2000 254:0 /srv/my\\040disk/x /data rw - ext4 /dev/vda rw\n"
	"2007 2000 254:0 /var/lib/kubelet/pods/u/volumes/v /vol rw - ext4 /dev/vda rw\n";

static void kernel_case(const char *name, const char *status,
			const struct nsw_ns_set *ns, const struct nsw_ns_set *host,
			const char *mi, const char *apparmor, bool aa_on,
			uint32_t want, const char *want_paths)
{
	struct exposure_report r;
	struct exposure_status st;
	struct exposure_kernel k;
	char paths[1024] = "";
	size_t o = 0;
	int i;

	memset(&r, 0, sizeof(r));
	memset(&k, 0, sizeof(k));
	if (status && exposure_parse_status(status, strlen(status), &st) == 0)
		k.status = &st;
	k.ns = ns;
	k.host_ns = host;
	k.mountinfo = mi;
	k.mountinfo_len = mi ? strlen(mi) : 0;
	k.host_mountinfo = host_mi;
	k.host_mountinfo_len = sizeof(host_mi) - 1;
	k.apparmor = apparmor;
	k.apparmor_enabled = aa_on;
	exposure_from_kernel(&k, &r);
	is_flags(r.kernel, want, "%s: kernel flags", name);
	is_int((int)r.config, 0, "%s: no config flags", name);
	ok(r.kernel_read, "%s: kernel evidence read", name);
	for (i = 0; i < r.n_paths; i++)
		o += (size_t)snprintf(paths + o, sizeof(paths) - o, "%s%s",
				      i ? " " : "", r.paths[i]);
	is_str(paths, want_paths, "%s: paths", name);
}

static void test_kernel(void)
{
	struct nsw_ns_set host, own, shared;
	int i;

	for (i = 0; i < NSW_NS_COUNT; i++) {
		host.inum[i] = 4026531830u + (uint32_t)i;
		own.inum[i] = 4026532000u + (uint32_t)i;
	}
	shared = own;
	shared.inum[NSW_NS_PID] = host.inum[NSW_NS_PID];
	shared.inum[NSW_NS_NET] = host.inum[NSW_NS_NET];

	kernel_case("default", STATUS(CAPS_DEFAULT, CAPS_DEFAULT, "0", "0"),
		    &own, &host, ctr_default_mi, NULL, false, B(NO_SECCOMP),
		    "");
	kernel_case("default, seccomp", STATUS(CAPS_DEFAULT, CAPS_DEFAULT,
					       "0", "2"),
		    &own, &host, ctr_default_mi, NULL, false, 0, "");
	/* all capabilities, but masked: not privileged */
	kernel_case("all caps, masked", STATUS(CAPS_ALL, CAPS_ALL, "0", "2"),
		    &own, &host, ctr_default_mi, NULL, false, CAPS6, "");
	/* the bounding set counts without no_new_privs, not with it */
	kernel_case("dropped caps, bounding full",
		    STATUS("0000000000000000", CAPS_ALL, "0", "2"),
		    &own, &host, ctr_default_mi, NULL, false, CAPS6, "");
	kernel_case("dropped caps, no_new_privs",
		    STATUS("0000000000000000", CAPS_ALL, "1", "2"),
		    &own, &host, ctr_default_mi, NULL, false, 0, "");
	kernel_case("privileged", STATUS(CAPS_ALL, CAPS_ALL, "0", "0"),
		    &shared, &host, ctr_priv_mi, NULL, false,
		    B(PRIVILEGED) | B(HOST_PID) | B(HOST_NETWORK) |
		    B(HOST_PATH_ROOT) | B(HOST_PATH_SENSITIVE) |
		    B(RUNTIME_SOCKET) | CAPS6 | B(NO_SECCOMP),
		    "/ /proc /run /run/containerd/containerd.sock");
	/* sysfs shares the host's superblock in the host's network
	 * namespace: no evidence then; a bind of it otherwise (the host's
	 * mqueue is a benign device directory either way) */
	{
		static const char mi[] =
			"3000 900 0:42 / / rw - overlay overlay rw\n"
			"3001 3000 0:22 / /sys ro - sysfs sysfs ro\n"
			"3002 3000 0:23 / /dev/mqueue rw - mqueue mqueue rw\n";
		struct nsw_ns_set hostnet = own;

		hostnet.inum[NSW_NS_NET] = host.inum[NSW_NS_NET];
		hostnet.inum[NSW_NS_IPC] = host.inum[NSW_NS_IPC];
		kernel_case("hostNetwork+hostIPC sysfs/mqueue",
			    STATUS(CAPS_DEFAULT, CAPS_DEFAULT, "0", "2"),
			    &hostnet, &host, mi, NULL, false,
			    B(HOST_NETWORK) | B(HOST_IPC), "");
		kernel_case("host sysfs/mqueue bound in",
			    STATUS(CAPS_DEFAULT, CAPS_DEFAULT, "0", "2"),
			    &own, &host, mi, NULL, false,
			    B(HOST_PATH_SENSITIVE), "/sys");
	}
	kernel_case("apparmor unconfined",
		    STATUS(CAPS_DEFAULT, CAPS_DEFAULT, "0", "2"), &own, &host,
		    ctr_default_mi, "unconfined\n", true,
		    B(APPARMOR_UNCONFINED), "");
	kernel_case("apparmor enforced",
		    STATUS(CAPS_DEFAULT, CAPS_DEFAULT, "0", "2"), &own, &host,
		    ctr_default_mi, "cri-containerd.apparmor.d (enforce)\n",
		    true, 0, "");
	kernel_case("apparmor not the LSM",
		    STATUS(CAPS_DEFAULT, CAPS_DEFAULT, "0", "2"), &own, &host,
		    ctr_default_mi, "unconfined\n", false, 0, "");
	/* no host namespaces known: no namespace flag; an unknown (0)
	 * inode never matches */
	kernel_case("host unknown", STATUS(CAPS_DEFAULT, CAPS_DEFAULT, "0",
					   "2"),
		    &shared, NULL, ctr_default_mi, NULL, false, 0, "");
	{
		struct nsw_ns_set z, hz;

		memset(&z, 0, sizeof(z));
		memset(&hz, 0, sizeof(hz));
		kernel_case("zero inodes",
			    STATUS(CAPS_DEFAULT, CAPS_DEFAULT, "0", "2"), &z,
			    &hz, ctr_default_mi, NULL, false, 0, "");
	}
	/* truncated and malformed lines are skipped */
	kernel_case("garbage mountinfo",
		    STATUS(CAPS_DEFAULT, CAPS_DEFAULT, "0", "2"), &own, &host,
		    "x\n1 2 254:0\n3 4 254:0 / /host rw - \n"
		    "5 6 254:0 / /h rw shared:1\n7 8 254:0 / /ok rw - ext4 d rw",
		    NULL, false, B(HOST_PATH_ROOT), "/");
}

static char *slurp_fixture(const char *name, size_t *len)
{
	char path[PATH_MAX];
	const char *src = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/tests/fixtures/exposure/%s",
		 src ? src : ".", name);
	return tap_slurp(path, len);
}

static void oci_case(const char *name, const char *json, size_t len,
		     bool aa_on, uint32_t want, const char *want_paths)
{
	struct exposure_report r;
	char paths[1024] = "";
	size_t o = 0;
	int i;

	memset(&r, 0, sizeof(r));
	is_int(exposure_from_oci(json, len, aa_on, &r), 0, "%s: parses", name);
	is_flags(r.config, want, "%s: config flags", name);
	ok(r.config_read && !r.kernel_read && !r.kernel,
	   "%s: only config evidence", name);
	for (i = 0; i < r.n_paths; i++)
		o += (size_t)snprintf(paths + o, sizeof(paths) - o, "%s%s",
				      i ? " " : "", r.paths[i]);
	is_str(paths, want_paths, "%s: paths", name);
}

static void test_oci(void)
{
	struct exposure_report r;
	size_t len = 0;
	char *buf;
	const char *j;

	buf = slurp_fixture("runc-privileged.json", &len);
	ok(buf != NULL, "fixture runc-privileged.json");
	if (buf)
		oci_case("privileged hostPID, hostPath / (runc)", buf, len,
			 false,
			 B(PRIVILEGED) | B(HOST_PID) | B(HOST_PATH_ROOT) |
			 CAPS6 | B(NO_SECCOMP), "/");
	free(buf);
	buf = slurp_fixture("runc-default.json", &len);
	ok(buf != NULL, "fixture runc-default.json");
	if (buf)
		oci_case("default, containerd.sock (runc)", buf, len, true,
			 B(RUNTIME_SOCKET) | B(NO_SECCOMP) |
			 B(APPARMOR_UNCONFINED),
			 "/run/containerd/containerd.sock");
	free(buf);

	/* RuntimeDefault: seccomp and an AppArmor profile; joining the
	 * sandbox's namespaces by path is not the host's */
	j = "{\"ociVersion\":\"1.0.2\",\"process\":{\"apparmorProfile\":"
	    "\"cri-containerd.apparmor.d\",\"capabilities\":{\"effective\":"
	    "[\"CAP_CHOWN\"],\"bounding\":[\"CAP_CHOWN\"]}},\"linux\":{"
	    "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"},"
	    "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\",\"path\":"
	    "\"/proc/1/ns/ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},"
	    "{\"type\":\"network\",\"path\":\"/var/run/netns/cni-1\"}]},"
	    "\"mounts\":[{\"destination\":\"/x\",\"type\":\"tmpfs\","
	    "\"source\":\"/etc\"},{\"destination\":\"/d\",\"source\":"
	    "\"/var/lib/kubelet/pods/u/volumes/v\",\"options\":[\"rbind\"]}]}";
	oci_case("RuntimeDefault", j, strlen(j), true, 0, "");
	/* host namespaces: the type missing; the bounding set only
	 * without noNewPrivileges; a bind by option, path cleaned */
	j = "{\"process\":{\"noNewPrivileges\":true,\"capabilities\":{"
	    "\"effective\":[\"CAP_BPF\"],\"bounding\":[\"CAP_SYS_ADMIN\"]}},"
	    "\"linux\":{\"seccomp\":{},\"namespaces\":[{\"type\":\"mount\"}]},"
	    "\"mounts\":[{\"destination\":\"/h\",\"source\":\"//var//run/\","
	    "\"options\":[\"ro\",\"bind\"]}]}";
	oci_case("host namespaces, nnp", j, strlen(j), false,
		 B(HOST_PID) | B(HOST_NETWORK) | B(HOST_IPC) | B(HOST_UTS) |
		 B(CAP_BPF) | B(HOST_PATH_SENSITIVE) | B(RUNTIME_SOCKET),
		 "/var/run");
	/* podman says privileged in an annotation */
	j = "{\"process\":{},\"linux\":{\"seccomp\":{},\"namespaces\":["
	    "{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"
	    "{\"type\":\"uts\"}]},\"annotations\":{"
	    "\"io.podman.annotations.privileged\":\"TRUE\"}}";
	oci_case("podman annotation", j, strlen(j), false, B(PRIVILEGED), "");
	/* every capability but masked paths: not privileged */
	j = "{\"process\":{\"capabilities\":{\"effective\":[\"CAP_SYS_ADMIN\","
	    "\"CAP_SYS_MODULE\",\"CAP_SYS_RAWIO\",\"CAP_SYS_PTRACE\","
	    "\"CAP_SYS_BOOT\",\"CAP_MAC_ADMIN\",\"CAP_DAC_READ_SEARCH\","
	    "\"CAP_NET_ADMIN\"]}},\"linux\":{\"seccomp\":{},"
	    "\"maskedPaths\":[\"/proc/kcore\"],\"resources\":{\"devices\":"
	    "[{\"allow\":true,\"access\":\"rwm\"}]},\"namespaces\":["
	    "{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"
	    "{\"type\":\"uts\"}]}}";
	oci_case("cap-add ALL, masked", j, strlen(j), false,
		 B(CAP_SYS_ADMIN) | B(CAP_SYS_MODULE) | B(CAP_SYS_RAWIO) |
		 B(CAP_SYS_PTRACE) | B(CAP_DAC_READ_SEARCH), "");

	memset(&r, 0, sizeof(r));
	j = "{\"a\":1}";
	is_int(exposure_from_oci(j, strlen(j), false, &r), -EINVAL,
	       "not an OCI config");
	j = "{\"process\":";
	is_int(exposure_from_oci(j, strlen(j), false, &r), -EINVAL,
	       "truncated JSON");
	j = "[1,2]";
	is_int(exposure_from_oci(j, strlen(j), false, &r), -EINVAL,
	       "an array");
	is_int(exposure_from_oci(NULL, 0, false, &r), -EINVAL, "no text");
	ok(!r.config_read && !r.config, "nothing read from bad input");
}

int main(void)
{
	test_names();
	test_classify();
	test_status();
	test_kernel();
	test_oci();
	return done_testing();
}
