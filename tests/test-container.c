/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * container.c against every row of the §1 table of
 * doc/container-mapping.md, plus multi-line v1/hybrid files.
 * Rows whose source elides part of an id ("…", "<64hex>") use synthetic
 * full ids of the same shape.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "container.h"
#include "tap.h"

#define HX(c) c c c c c c c c c c c c c c c c	/* 16 chars */
/* synthetic 64-hex ids for rows the source truncates */
#define A64 HX("a3c3")
#define B64 HX("788e")
#define P64 HX("0f1e")
#define T32 "5b7f2a0c9d8e4f6a1b2c3d4e5f607182"

struct row {
	const char *name;
	const char *text;	/* whole /proc/<pid>/cgroup text */
	enum cgroup_kind kind;
	const char *id;
	const char *runtime;
	const char *pod_uid;
	const char *qos;
	const char *outer[CONTAINER_MAX_OUTER];
	const char *related;
	int leaf_is_root;	/* -1: don't check */
	int low;		/* -1: don't check */
	const char *task;
};

#define H CGROUP_HOST
#define C CGROUP_CONTAINER
#define X CGROUP_HELPER

static const struct row rows[] = {
	/* ---- host ---- */
	{ "H1", "0::/init.scope\n", H, "", "", "", "", {0}, "", -1, -1, "" },
	{ "H2", "0::/system.slice/sshd.service\n", H, "", "", "", "", {0},
	  "", -1, -1, "" },
	{ "H3", "0::/user.slice/user-1000.slice/session-4.scope\n", H, "", "",
	  "", "", {0}, "", -1, -1, "" },
	{ "H4", "0::/user.slice/user-1000.slice/user@1000.service/init.scope\n",
	  H, "", "", "", "", {0}, "", -1, -1, "" },
	{ "H5", "0::/\n", H, "", "", "", "", {0}, "", -1, -1, "" },
	{ "H6", "0::/../../system.slice/sshd.service\n", H, "", "", "", "",
	  {0}, "", -1, -1, "" },
	/* ---- docker ---- */
	{ "D1",
	  "13:pids:/\n"
	  "6:memory:/docker/5dace3de0735f73d2b5048f12d41a71741a02e49668de921fdae62f7e65dc498\n"
	  "1:name=systemd:/\n",
	  C, "5dace3de0735f73d2b5048f12d41a71741a02e49668de921fdae62f7e65dc498",
	  "docker", "", "", {0}, "", 1, 0, "" },
	{ "D2 hybrid, misleading 0:: line",
	  "10:rdma:/\n"
	  "1:name=systemd:/docker/2403ccfe427f1dc7b6120dccb9ac58c2f8456950380d587a9f33ea7f00dd303d\n"
	  "0::/system.slice/containerd.service\n",
	  C, "2403ccfe427f1dc7b6120dccb9ac58c2f8456950380d587a9f33ea7f00dd303d",
	  "docker", "", "", {0}, "", 1, 0, "" },
	{ "D3",
	  "4:memory:/system.slice/docker-0bd31f558c426d46f30778cefbc727282e4f257537b42b361ea5d03a44f4febe.scope\n"
	  "2:cpuset:/\n",
	  C, "0bd31f558c426d46f30778cefbc727282e4f257537b42b361ea5d03a44f4febe",
	  "docker", "", "", {0}, "", 1, 0, "" },
	{ "D4",
	  "0::/system.slice/docker-ee40841f79d52f66f4958c8a484bd2dfb453228874dcca1a3f2ec6e8420ec87c.scope\n",
	  C, "ee40841f79d52f66f4958c8a484bd2dfb453228874dcca1a3f2ec6e8420ec87c",
	  "docker", "", "", {0}, "", 1, 0, "" },
	{ "D5",
	  "0::/docker/5aaf9eb7648eeb1459d86eaa0ace8bcfa93089642e5c3113a14250dae3238aaf\n",
	  C, "5aaf9eb7648eeb1459d86eaa0ace8bcfa93089642e5c3113a14250dae3238aaf",
	  "docker", "", "", {0}, "", 1, 0, "" },
	{ "D6",
	  "11:pids:/actions_job/ec5fd62ba68d0b75a3cbdb7f7f78b526440b7969e22b2b362fb6f429ded42fdc\n",
	  C, "ec5fd62ba68d0b75a3cbdb7f7f78b526440b7969e22b2b362fb6f429ded42fdc",
	  "docker", "", "", {0}, "", 1, 0, "" },
	{ "D7", "0::/system.slice/docker-" A64 ".scope/docker/" B64 "\n",
	  C, B64, "docker", "", "", { A64 }, "", 1, 0, "" },
	{ "D8 init.scope",
	  "0::/system.slice/docker-1b3319ed9c1d4cca681f9c102da9b015555785b6240c4e4619f11b535cabdc07.scope/init.scope\n",
	  C, "1b3319ed9c1d4cca681f9c102da9b015555785b6240c4e4619f11b535cabdc07",
	  "docker", "", "", {0}, "", 0, 0, "" },
	{ "D8 containerd.service inside the node",
	  "0::/system.slice/docker-1b3319ed9c1d4cca681f9c102da9b015555785b6240c4e4619f11b535cabdc07.scope/system.slice/containerd.service\n",
	  C, "1b3319ed9c1d4cca681f9c102da9b015555785b6240c4e4619f11b535cabdc07",
	  "docker", "", "", {0}, "", 0, 0, "" },
	{ "D8 kubelet.service inside the node",
	  "0::/system.slice/docker-1b3319ed9c1d4cca681f9c102da9b015555785b6240c4e4619f11b535cabdc07.scope/system.slice/kubelet.service\n",
	  C, "1b3319ed9c1d4cca681f9c102da9b015555785b6240c4e4619f11b535cabdc07",
	  "docker", "", "", {0}, "", 0, 0, "" },
	/* ---- kubernetes ---- */
	{ "K1",
	  "4:pids:/kubepods/burstable/pod1399d9c7-c86f-4371-8568-07b3d32258a4/91f2457fb4c2b1356eefc7bace36532f5eb3d354804bb2cff787ea321320b5a5\n",
	  C, "91f2457fb4c2b1356eefc7bace36532f5eb3d354804bb2cff787ea321320b5a5",
	  "containerd", "1399d9c7-c86f-4371-8568-07b3d32258a4", "burstable",
	  {0}, "", 1, 0, "" },
	{ "K2",
	  "4:memory:/kubepods/burstable/pod69ec2724-f389-498a-9a04-ed9b2065005d/d2bd18310b0f469c8d77b914762d0744aa60963364497fe53887b1f8ef5a1dfa\n",
	  C, "d2bd18310b0f469c8d77b914762d0744aa60963364497fe53887b1f8ef5a1dfa",
	  "containerd", "69ec2724-f389-498a-9a04-ed9b2065005d", "burstable",
	  {0}, "", 1, 0, "" },
	{ "K3",
	  "4:memory:/kubepods/poda38c12e8-255a-11e9-8cd9-0007cb0b2cc8/32c562ed81a2622b37b80cb216859820ba51bd694f60ee4cf10d07a4011266f8\n",
	  C, "32c562ed81a2622b37b80cb216859820ba51bd694f60ee4cf10d07a4011266f8",
	  "containerd", "a38c12e8-255a-11e9-8cd9-0007cb0b2cc8", "guaranteed",
	  {0}, "", 1, 0, "" },
	{ "K4 v1",
	  "4:pids:/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podeb052b63_ea96_4728_ab4a_64ab3babccd7.slice/cri-containerd-5694f82f44168cc048e014ae14d1b0c8ef673bec49f329dc169911ea638f63c2.scope\n",
	  C, "5694f82f44168cc048e014ae14d1b0c8ef673bec49f329dc169911ea638f63c2",
	  "containerd", "eb052b63-ea96-4728-ab4a-64ab3babccd7", "besteffort",
	  {0}, "", 1, 0, "" },
	{ "K4 v2",
	  "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podeb052b63_ea96_4728_ab4a_64ab3babccd7.slice/cri-containerd-5694f82f44168cc048e014ae14d1b0c8ef673bec49f329dc169911ea638f63c2.scope\n",
	  C, "5694f82f44168cc048e014ae14d1b0c8ef673bec49f329dc169911ea638f63c2",
	  "containerd", "eb052b63-ea96-4728-ab4a-64ab3babccd7", "besteffort",
	  {0}, "", 1, 0, "" },
	{ "K5",
	  "0::/kubepods.slice/kubepods-pod48d25824_cbe2_4fdc_9928_5bb49e05473d.slice/cri-containerd-c40dff48f1d53c3f07a50aa12bb9ae0e58c0927dc6b1d77e3f166784722642ad.scope\n",
	  C, "c40dff48f1d53c3f07a50aa12bb9ae0e58c0927dc6b1d77e3f166784722642ad",
	  "containerd", "48d25824-cbe2-4fdc-9928-5bb49e05473d", "guaranteed",
	  {0}, "", 1, 0, "" },
	{ "K6 per-controller prefixes",
	  "9:cpuacct,cpu:/system.slice/containerd.service/kubepods-besteffort-pod0125ec2f_b64a_4868_8f5b_94b56cbab864.slice:cri-containerd:ee4b20e90ac7f42a10bd004d05646b13d8ab5e2c5e7cbc01abf8006bac016459\n"
	  "8:cpuset:/kubepods-besteffort-pod0125ec2f_b64a_4868_8f5b_94b56cbab864.slice:cri-containerd:ee4b20e90ac7f42a10bd004d05646b13d8ab5e2c5e7cbc01abf8006bac016459\n",
	  C, "ee4b20e90ac7f42a10bd004d05646b13d8ab5e2c5e7cbc01abf8006bac016459",
	  "containerd", "0125ec2f-b64a-4868-8f5b-94b56cbab864", "besteffort",
	  {0}, "", 1, 0, "" },
	{ "K7",
	  "4:pids:/podruntime.slice/containerd.service/kubepods-burstable-pod29349498_197c_4919_b13f_9a928e7d001b.slice:cri-containerd:0ca2b3cd20e5f55a2bbe8d4aa3f811cf7963b40f0542ad147054b0fcb60fc400\n",
	  C, "0ca2b3cd20e5f55a2bbe8d4aa3f811cf7963b40f0542ad147054b0fcb60fc400",
	  "containerd", "29349498-197c-4919-b13f-9a928e7d001b", "burstable",
	  {0}, "", 1, 0, "" },
	{ "K8 static pod",
	  "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podc704ef4c297ab11032b83ce52cbfc87b.slice/cri-containerd-2327a2aec169e25cf05f2a901486b7463fdb513ae097fc0ae6a3ca94381ddc42.scope\n",
	  C, "2327a2aec169e25cf05f2a901486b7463fdb513ae097fc0ae6a3ca94381ddc42",
	  "containerd", "c704ef4c297ab11032b83ce52cbfc87b", "burstable",
	  {0}, "", 1, 0, "" },
	{ "K9",
	  "12:rdma:/\n"
	  "11:freezer:/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7d4424e6_bb13_42f4_a47a_45a4828bf54d.slice/docker-d0b3604b67ac7930dd34ba3a796627e3e4717d12309e90a4afe3f38b6816ac98.scope\n",
	  C, "d0b3604b67ac7930dd34ba3a796627e3e4717d12309e90a4afe3f38b6816ac98",
	  "docker", "7d4424e6-bb13-42f4-a47a-45a4828bf54d", "burstable",
	  {0}, "", 1, 0, "" },
	/* ---- CRI-O ---- */
	{ "C1",
	  "4:memory:/kubepods/besteffort/pod63b3ebfc-2890-11e9-8154-16bf8ef8d9dc/crio-73bfe475650de66df8e2affdc98d440dcbe84f8df83b6f75a68a82eb7026136a\n",
	  C, "73bfe475650de66df8e2affdc98d440dcbe84f8df83b6f75a68a82eb7026136a",
	  "cri-o", "63b3ebfc-2890-11e9-8154-16bf8ef8d9dc", "besteffort",
	  {0}, "", 1, 0, "" },
	{ "C2",
	  "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod63b3ebfc_2890_11e9_8154_16bf8ef8d9dc.slice/crio-17d8c9eacc629f9945f304d89e9708c0c619649a484a215b240628319548a09f.scope\n",
	  C, "17d8c9eacc629f9945f304d89e9708c0c619649a484a215b240628319548a09f",
	  "cri-o", "63b3ebfc-2890-11e9-8154-16bf8ef8d9dc", "besteffort",
	  {0}, "", 1, 0, "" },
	{ "C3 conmon in system.slice",
	  "0::/system.slice/crio-conmon-c055fa05e5c1c20cc4ef3e2ebd180ab360b5369538c9b7cd536b3e6c58311b39.scope\n",
	  X, "", "cri-o", "", "", {0},
	  "c055fa05e5c1c20cc4ef3e2ebd180ab360b5369538c9b7cd536b3e6c58311b39",
	  0, -1, "" },
	{ "C4 conmon in the pod",
	  "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod207aaad1_659f_4db8_88e0_46e0cdcc3004.slice/crio-conmon-32da98c8522068be05a7510a3eddb09cad6ed2f03286180d0e931d0d0b6224a6.scope\n",
	  X, "", "cri-o", "207aaad1-659f-4db8-88e0-46e0cdcc3004", "burstable",
	  {0}, "32da98c8522068be05a7510a3eddb09cad6ed2f03286180d0e931d0d0b6224a6",
	  0, -1, "" },
	/* ---- podman ---- */
	{ "P1",
	  "0::/machine.slice/libpod-89e89703fbd1e88b72d279d951ce389d3742874205196d73f96e0dcbc0da0659.scope/container\n",
	  C, "89e89703fbd1e88b72d279d951ce389d3742874205196d73f96e0dcbc0da0659",
	  "podman", "", "", {0}, "", 1, 0, "" },
	{ "P2",
	  "0::/machine.slice/libpod-conmon-64de256b4158dbfd331e27f93bf807f141883be795fd1b2ae7f40294f32c5bfd.scope\n",
	  X, "", "podman", "", "", {0},
	  "64de256b4158dbfd331e27f93bf807f141883be795fd1b2ae7f40294f32c5bfd",
	  0, -1, "" },
	{ "P3 rootless",
	  "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-6fb480da903b96185cd497db694641d13534e2b80cf4cb738b6691677146adea.scope/container\n",
	  C, "6fb480da903b96185cd497db694641d13534e2b80cf4cb738b6691677146adea",
	  "podman", "", "", {0}, "", 1, 0, "" },
	{ "P4",
	  "0::/libpod_parent/libpod-01f3c60cfaadbb51e4d5947dd2ef0480d53551cbcee8f3ada8c3723b2bf03bf4\n",
	  C, "01f3c60cfaadbb51e4d5947dd2ef0480d53551cbcee8f3ada8c3723b2bf03bf4",
	  "podman", "", "", {0}, "", 1, 0, "" },
	{ "P4 conmon", "0::/libpod_parent/conmon\n", X, "", "podman", "", "",
	  {0}, "", 0, -1, "" },
	{ "P7 pod member",
	  "0::/libpod_parent/" P64 "/libpod-" B64 "\n",
	  C, B64, "podman", "", "", {0}, "", 1, 0, "" },
	{ "P7 pod conmon", "0::/libpod_parent/" P64 "/conmon\n", X, "",
	  "podman", "", "", {0}, "", -1, -1, "" },
	{ "P7 pod infra, v1",
	  "4:memory:/libpod_parent/" P64 "/libpod-" B64 "\n0::/\n",
	  C, B64, "podman", "", "", {0}, "", 1, 0, "" },
	{ "P5 split",
	  "0::/system.slice/system-ceph-f952f5be-565c-11f0-ab72-0affea283157.slice/ceph-f952f5be-565c-11f0-ab72-0affea283157@mon.ip-10-0-25-96.service/libpod-payload-9cc35a907a1e4e7ac8c021758b2bb28db60b3a787115f9114a641bf44f8ba99b\n",
	  C, "9cc35a907a1e4e7ac8c021758b2bb28db60b3a787115f9114a641bf44f8ba99b",
	  "podman", "", "", {0}, "", 1, 0, "" },
	{ "P6 pod",
	  "0::/machine.slice/machine-libpod_pod_" P64 ".slice/libpod-" B64 ".scope\n",
	  C, B64, "podman", "", "", {0}, "", 1, 0, "" },
	{ "podman pause",
	  "0::/user.slice/user-1000.slice/user@1000.service/user.slice/podman-pause-d6d3c1d6.scope\n",
	  X, "", "podman", "", "", {0}, "", 0, -1, "" },
	/* ---- nerdctl, ctr ---- */
	{ "X1",
	  "0::/system.slice/nerdctl-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n",
	  C, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	  "nerdctl", "", "", {0}, "", 1, 0, "" },
	{ "X2 default", "0::/default/test_container\n", C, "test_container",
	  "containerd", "", "", {0}, "", 1, 1, "" },
	{ "X2 k8s.io", "4:memory:/k8s.io/my-test_container\n", C,
	  "my-test_container", "containerd", "", "", {0}, "", 1, 1, "" },
	/* ---- nesting ---- */
	{ "KD1 kind systemd",
	  "0::/system.slice/docker-4cc818a75eb691c5efb9c943b0c3a26ec8e0a05acb60bef4717315e65d671774.scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod12fdc709_933e_41d0_917f_cd84de9afa94.slice/cri-containerd-c46bafd57b2ef55a23c1319893c8aa5bfca24872bd95258700a51059941fb69e.scope\n",
	  C, "c46bafd57b2ef55a23c1319893c8aa5bfca24872bd95258700a51059941fb69e",
	  "containerd", "12fdc709-933e-41d0-917f-cd84de9afa94", "burstable",
	  { "4cc818a75eb691c5efb9c943b0c3a26ec8e0a05acb60bef4717315e65d671774" },
	  "", 1, 0, "" },
	{ "KD2 kind cgroupfs static",
	  "0::/system.slice/docker-c1146e7ccca9ab4436abd69923c07d097b37b762ed21cc3f24584c2f84e77c57.scope/kubelet/kubepods/burstable/pod09a70ae9ccc491e651e5c773579b3490/b0e6aa50e847c3d3b1880e307ec7996040275c8063832cffc9274defce2cb655\n",
	  C, "b0e6aa50e847c3d3b1880e307ec7996040275c8063832cffc9274defce2cb655",
	  "containerd", "09a70ae9ccc491e651e5c773579b3490", "burstable",
	  { "c1146e7ccca9ab4436abd69923c07d097b37b762ed21cc3f24584c2f84e77c57" },
	  "", 1, 0, "" },
	{ "KD3 minikube crio",
	  "4:memory:/docker/d6701ec289c56e4391acb11d07474b3139466857a305490575508a8b7a9fcf22/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod2ca4a155_3599_498d_bb9d_4446693fa3ea.slice/crio-0ba8ac17e4e7a31fb82279503552fe94e64bab4745bf6fd2ff231e7c8ca8bed0.scope\n",
	  C, "0ba8ac17e4e7a31fb82279503552fe94e64bab4745bf6fd2ff231e7c8ca8bed0",
	  "cri-o", "2ca4a155-3599-498d-bb9d-4446693fa3ea", "besteffort",
	  { "d6701ec289c56e4391acb11d07474b3139466857a305490575508a8b7a9fcf22" },
	  "", 1, 0, "" },
	{ "KD4 minikube docker",
	  "0::/system.slice/docker-1b3319ed9c1d4cca681f9c102da9b015555785b6240c4e4619f11b535cabdc07.scope/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podeb653d22_2525_47ca_9fc4_3762497ae1d2.slice/docker-84e9ffffe97fea4c5a0f01d401611cbafbf7e559fc6190ed74abfc2b25e889d4.scope\n",
	  C, "84e9ffffe97fea4c5a0f01d401611cbafbf7e559fc6190ed74abfc2b25e889d4",
	  "docker", "eb653d22-2525-47ca-9fc4-3762497ae1d2", "besteffort",
	  { "1b3319ed9c1d4cca681f9c102da9b015555785b6240c4e4619f11b535cabdc07" },
	  "", 1, 0, "" },
	{ "K3S shim", "0::/system.slice/k3s.service\n", X, "", "containerd",
	  "", "", {0}, "", 0, -1, "" },
	{ "containerd.service shim", "0::/system.slice/containerd.service\n",
	  X, "", "containerd", "", "", {0}, "", 0, -1, "" },
	/* ---- LXC, nspawn, libvirt ---- */
	{ "L1", "0::/lxc.payload.web01/system.slice/sshd.service\n", C, "web01",
	  "lxc", "", "", {0}, "", 0, 1, "" },
	{ "L1 root", "0::/lxc.payload.web01\n", C, "web01", "lxc", "", "",
	  {0}, "", 1, 1, "" },
	{ "L1 monitor", "0::/lxc.monitor.web01\n", X, "", "lxc", "", "", {0},
	  "web01", 0, -1, "" },
	{ "L2", "4:memory:/lxc/web01\n", C, "web01", "lxc", "", "", {0}, "",
	  1, 1, "" },
	{ "N1",
	  "0::/machine.slice/machine-fedora.scope/payload/system.slice/sshd.service\n",
	  C, "fedora", "nspawn", "", "", {0}, "", 0, 1, "" },
	{ "N1 escaped", "0::/machine.slice/machine-my\\x2dbox.scope/payload\n",
	  C, "my-box", "nspawn", "", "", {0}, "", 1, 1, "" },
	{ "N1 supervisor",
	  "0::/machine.slice/machine-fedora.scope/supervisor\n", X, "",
	  "nspawn", "", "", {0}, "fedora", 0, -1, "" },
	{ "N1 VM is host",
	  "0::/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope/libvirt/emulator\n",
	  H, "", "", "", "", {0}, "", -1, -1, "" },
	{ "N2",
	  "4:memory:/machine.slice/machine-lxc\\x2d2293906\\x2dlibvirt\\x2dcontainer.scope/libvirt\n",
	  C, "2293906\\x2dlibvirt\\x2dcontainer", "libvirt-lxc", "", "", {0},
	  "", 1, 1, "" },
	{ "N2 .libvirt-lxc", "4:memory:/machine/web.libvirt-lxc\n", C, "web",
	  "libvirt-lxc", "", "", {0}, "", 1, 1, "" },
	{ "N2 /libvirt/lxc", "4:memory:/libvirt/lxc/web\n", C, "web",
	  "libvirt-lxc", "", "", {0}, "", 1, 1, "" },
	/* ---- ECS, Mesos, Talos ---- */
	{ "E1",
	  "4:memory:/ecs/bf1ddbfbbc8f45c9b1ac4f779368741e/" A64 "\n",
	  C, A64, "docker", "", "", {0}, "", 1, 0,
	  "bf1ddbfbbc8f45c9b1ac4f779368741e" },
	{ "E1 UUID task",
	  "4:memory:/ecs/48cb34f5-cd39-4d59-9bb9-89f3c1611afd/" A64 "\n",
	  C, A64, "docker", "", "", {0}, "", 1, 0,
	  "48cb34f5-cd39-4d59-9bb9-89f3c1611afd" },
	{ "E2",
	  "0::/ecstasks.slice/ecstasks-" T32 ".slice/docker-" B64 ".scope\n",
	  C, B64, "docker", "", "", {0}, "", 1, 0, T32 },
	{ "E3 Fargate",
	  "4:memory:/ecs/0123456789aAbBcCdDeEfF0123456789/0123456789aAbBcCdDeEfF0123456789-012345678\n",
	  C, "0123456789aAbBcCdDeEfF0123456789-012345678", "ecs", "", "", {0},
	  "", 1, 0, "0123456789aAbBcCdDeEfF0123456789" },
	{ "M1", "4:memory:/mesos/a9f41620-b165-4d24-abe0-af0af92e7b20\n", C,
	  "a9f41620-b165-4d24-abe0-af0af92e7b20", "mesos", "", "", {0}, "",
	  1, 1, "" },
	{ "T1 etcd", "0::/system/etcd\n", C, "etcd", "talos", "", "", {0}, "",
	  1, 1, "" },
	{ "T1 /kubelet is not attributable", "0::/kubelet\n", H, "", "", "",
	  "", {0}, "", -1, -1, "" },
	{ "T1 /init is machined", "0::/init\n", H, "", "", "", "", {0}, "",
	  -1, -1, "" },
	{ "T1 runtime is containerd itself", "0::/system/runtime\n", X, "",
	  "containerd", "", "", {0}, "", 0, -1, "" },
	/* ---- pitfalls ---- */
	{ "R6 .mount unit",
	  "0::/system.slice/run-containerd-io.containerd.runtime.v2.task-k8s.io-" A64 "-rootfs.mount\n",
	  H, "", "", "", "", {0}, "", -1, -1, "" },
	{ "R6 docker overlay .mount",
	  "0::/system.slice/var-lib-docker-overlay2-" A64 "-merged.mount\n",
	  H, "", "", "", "", {0}, "", -1, -1, "" },
	{ "R3 kube-proxy leaf below the id",
	  "4:memory:/kubepods/besteffort/pod63b3ebfc-2890-11e9-8154-16bf8ef8d9dc/" A64 "/kube-proxy\n",
	  C, A64, "containerd", "63b3ebfc-2890-11e9-8154-16bf8ef8d9dc",
	  "besteffort", {0}, "", 0, 0, "" },
	{ "bare id under an unknown parent is ambiguous",
	  "0::/custom/" A64 "\n", C, A64, "", "", "", {0}, "", 1, 0, "" },
	{ "cgroupns-relative container path",
	  "0::/../docker-" A64 ".scope\n", C, A64, "docker", "", "", {0}, "",
	  1, 0, "" },
	/* helper names count only outside any container (R5): below one
	 * they are sub-cgroups its processes may have made themselves */
	{ "conmon inside a kind node is the node's",
	  "0::/system.slice/docker-" A64 ".scope/kubepods.slice/crio-conmon-" B64 ".scope\n",
	  C, A64, "docker", "", "", {0}, "", 0, 0, "" },
	{ "crio-conmon sub-cgroup of a pod container is the container",
	  "4:memory:/kubepods/besteffort/pod63b3ebfc-2890-11e9-8154-16bf8ef8d9dc/" A64 "/crio-conmon-" B64 ".scope\n",
	  C, A64, "containerd", "63b3ebfc-2890-11e9-8154-16bf8ef8d9dc",
	  "besteffort", {0}, "", 0, 0, "" },
	{ "libpod-conmon sub-cgroup of a container",
	  "0::/docker/" A64 "/libpod-conmon-" B64 ".scope\n",
	  C, A64, "docker", "", "", {0}, "", 0, 0, "" },
	{ "podman-pause sub-cgroup of a container",
	  "0::/docker/" A64 "/podman-pause-1234.scope\n",
	  C, A64, "docker", "", "", {0}, "", 0, 0, "" },
	{ "lxc.monitor sub-cgroup of a container",
	  "0::/docker/" A64 "/lxc.monitor.web\n",
	  C, A64, "docker", "", "", {0}, "", 0, 0, "" },
	{ "containerd.service sub-cgroup of a container",
	  "0::/docker/" A64 "/containerd.service\n",
	  C, A64, "docker", "", "", {0}, "", 0, 0, "" },
	/* another container's id below a container reads as nesting (DinD);
	 * the pipeline keeps a process in the container it was seen in */
	{ "64-hex sub-cgroup of a pod container nests",
	  "4:memory:/kubepods/besteffort/pod63b3ebfc-2890-11e9-8154-16bf8ef8d9dc/" A64 "/" B64 "\n",
	  C, B64, "", "", "", { A64 }, "", 1, 0, "" },
	{ "dead v2 cgroup",
	  "0::/system.slice/docker-" A64 ".scope (deleted)\n", C, A64,
	  "docker", "", "", {0}, "", 1, 0, "" },
	{ "uppercase hex accepted", "0::/docker/" HX("ABCD") "\n", C,
	  HX("ABCD"), "docker", "", "", {0}, "", 1, 0, "" },
	{ "63 hex is not an id",
	  "0::/system.slice/docker-" HX("abc") "ddddddddddddddd.scope\n", H,
	  "", "", "", "", {0}, "", -1, -1, "" },
	{ "65 hex is not an id",
	  "0::/system.slice/docker-" HX("abcd") "e.scope\n", H, "", "", "",
	  "", {0}, "", -1, -1, "" },
	{ "UUID-looking parent is not a pod",
	  "0::/system.slice/foo-1399d9c7-c86f-4371-8568-07b3d32258a4.slice/bar.service\n",
	  H, "", "", "", "", {0}, "", -1, -1, "" },
	{ "unknown two-level path is host (sandbox layout)",
	  "4:memory:/process_api/8403c65b0d1265b657a5b7d0e6d0a7c9\n", H, "",
	  "", "", "", {0}, "", -1, -1, "" },
	{ "deep nesting keeps the nearest outer ids",
	  "0::/docker/" HX("1111") "/docker/" HX("2222") "/docker/" HX("3333")
	  "/docker/" HX("4444") "/docker/" HX("5555") "/docker/" HX("6666") "\n",
	  C, HX("6666"), "docker", "", "", { HX("2222"), HX("3333"),
	  HX("4444"), HX("5555") }, "", 1, 0, "" },
};

static void check_row(const struct row *r)
{
	struct cgroup_attr a;
	int rc, i, n_outer = 0;

	rc = container_parse_cgroup(r->text, strlen(r->text), &a);
	is_int(rc, 0, "%s: parses", r->name);
	is_int(a.kind, r->kind, "%s: kind", r->name);
	is_str(a.id, r->id, "%s: id", r->name);
	is_str(a.runtime, r->runtime, "%s: runtime", r->name);
	is_str(a.pod_uid, r->pod_uid, "%s: pod uid", r->name);
	is_str(a.qos, r->qos, "%s: qos", r->name);
	is_str(a.related_id, r->related, "%s: related id", r->name);
	is_str(a.task_id, r->task, "%s: task id", r->name);
	while (n_outer < CONTAINER_MAX_OUTER && r->outer[n_outer])
		n_outer++;
	is_int(a.n_outer, n_outer, "%s: outer count", r->name);
	for (i = 0; i < n_outer && i < a.n_outer; i++)
		is_str(a.outer_ids[i], r->outer[i], "%s: outer %d", r->name, i);
	if (r->leaf_is_root >= 0)
		is_int(a.leaf_is_root, r->leaf_is_root, "%s: leaf_is_root",
		       r->name);
	if (r->low >= 0)
		is_int(a.low_confidence, r->low, "%s: low confidence",
		       r->name);
	ok(!a.conflict, "%s: no conflict", r->name);
}

static void test_multiline(void)
{
	struct cgroup_attr a;
	const char *t;

	/* R2: memory beats pids; a different id elsewhere is a conflict */
	t = "12:pids:/docker/" HX("1111") "\n"
	    "6:memory:/docker/" HX("2222") "\n"
	    "1:name=systemd:/docker/" HX("1111") "\n";
	is_int(container_parse_cgroup(t, strlen(t), &a), 0, "conflict parses");
	is_str(a.id, HX("2222"), "conflict: memory controller wins");
	ok(a.conflict, "conflict flagged");

	/* pids beats name=systemd and others */
	t = "11:devices:/docker/" HX("3333") "\n"
	    "1:name=systemd:/docker/" HX("1111") "\n"
	    "4:pids:/docker/" HX("2222") "\n";
	container_parse_cgroup(t, strlen(t), &a);
	is_str(a.id, HX("2222"), "pids beats name=systemd and devices");
	ok(a.conflict, "three-way conflict flagged");

	/* K6: different prefixes, same leaf id: no conflict, cpu wins */
	t = "9:cpuacct,cpu:/system.slice/containerd.service/kubepods-besteffort-pod0125ec2f_b64a_4868_8f5b_94b56cbab864.slice:cri-containerd:" HX("abcd") "\n"
	    "8:cpuset:/kubepods-besteffort-pod0125ec2f_b64a_4868_8f5b_94b56cbab864.slice:cri-containerd:" HX("abcd") "\n"
	    "1:name=systemd:/\n";
	container_parse_cgroup(t, strlen(t), &a);
	ok(!a.conflict, "K6 same id under different prefixes: no conflict");
	ok(strncmp(a.path, "/system.slice/containerd.service/", 33) == 0,
	   "K6 decision uses the cpu,cpuacct line");

	/* hybrid: v1 all at "/", the 0:: line is the last resort */
	t = "5:pids:/\n1:name=systemd:/\n0::/system.slice/docker-" HX("9999")
	    ".scope\n";
	container_parse_cgroup(t, strlen(t), &a);
	is_int(a.kind, CGROUP_CONTAINER, "hybrid falls back to 0::");
	is_str(a.id, HX("9999"), "hybrid 0:: id");

	/* v1 host: the most informative path is kept */
	t = "5:pids:/\n4:memory:/\n1:name=systemd:/system.slice/sshd.service\n"
	    "0::/system.slice/sshd.service\n";
	container_parse_cgroup(t, strlen(t), &a);
	is_int(a.kind, CGROUP_HOST, "v1 host");
	is_str(a.path, "/system.slice/sshd.service", "v1 host path kept");

	/* the real v1 file of a process on the CI sandbox */
	t = "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
	    "4:memory:/process_api/8403c65b0d1265b657a5b7d0e6d0a7c9\n"
	    "3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n";
	is_int(container_parse_cgroup(t, strlen(t), &a), 0, "sandbox parses");
	is_int(a.kind, CGROUP_HOST, "sandbox v1 file is host");

	/* no trailing newline */
	t = "0::/docker/" HX("7777");
	container_parse_cgroup(t, strlen(t), &a);
	is_str(a.id, HX("7777"), "last line without newline");

	/* helper and member in different controllers: conflict */
	t = "4:memory:/system.slice/crio-conmon-" HX("1234") ".scope\n"
	    "3:pids:/system.slice/crio-" HX("1234") ".scope\n";
	container_parse_cgroup(t, strlen(t), &a);
	ok(a.conflict, "helper vs member across controllers is a conflict");
	is_int(a.kind, CGROUP_HELPER, "memory line decides (helper)");

	/* a container process moved into a helper-named sub-cgroup in one
	 * controller only: every line still names its container */
	t = "4:memory:/kubepods/besteffort/pod63b3ebfc-2890-11e9-8154-16bf8ef8d9dc/" HX("4321") "/crio-conmon-" HX("1234") ".scope\n"
	    "3:pids:/kubepods/besteffort/pod63b3ebfc-2890-11e9-8154-16bf8ef8d9dc/" HX("4321") "\n"
	    "0::/kubepods/besteffort/pod63b3ebfc-2890-11e9-8154-16bf8ef8d9dc/" HX("4321") "/crio-conmon-" HX("1234") ".scope\n";
	container_parse_cgroup(t, strlen(t), &a);
	ok(a.kind == CGROUP_CONTAINER && !strcmp(a.id, HX("4321")) &&
	   !a.conflict, "helper-named sub-cgroup: still the container");
}

static void test_invalid(void)
{
	static const char *const bad[] = {
		"", "\n\n", "garbage", "0:/x\n", "a::/x\n", ":memory:/x\n",
		"0::relative\n", "0::\n", "4:memory:/\nnot a line\n",
	};
	struct cgroup_attr a;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(container_parse_cgroup(bad[i], strlen(bad[i]), &a),
		       -EINVAL, "rejects malformed text #%zu", i);
	is_int(container_parse_cgroup("0::/\0x", 6, &a), -EINVAL,
	       "rejects embedded NUL");
	is_int(container_parse_path("relative/x", &a), -EINVAL,
	       "parse_path rejects a relative path");
	is_int(container_parse_path("/docker/" HX("1212"), &a), 0,
	       "parse_path accepts a path");
	is_str(a.id, HX("1212"), "parse_path id");
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check_row(&rows[i]);
	test_multiline();
	test_invalid();
	return done_testing();
}
