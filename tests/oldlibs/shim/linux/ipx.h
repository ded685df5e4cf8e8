/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stand-in for <linux/ipx.h>, which kernel headers dropped in 5.15:
 * audit 2.8.5's auparse/interpret.c includes it to print an IPX socket
 * address (family, port, network).  Used only to build that old
 * library for `make check-oldlibs`; nswatch itself never includes it.
 */
#ifndef NSW_SHIM_LINUX_IPX_H
#define NSW_SHIM_LINUX_IPX_H
#include <linux/types.h>
#include <linux/socket.h>

struct sockaddr_ipx {
	__kernel_sa_family_t sipx_family;
	__be16 sipx_port;
	__be32 sipx_network;
	unsigned char sipx_node[6];
	__u8 sipx_type;
	unsigned char sipx_zero;
};
#endif
