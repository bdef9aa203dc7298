/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The offloads a vif's two ends negotiate through "feature-*" keys, as
 * netdev features: both netfront and netback clear what the other end
 * did not advertise.
 */
#ifndef XENPV_NETIF_OFFLOADS_H
#define XENPV_NETIF_OFFLOADS_H

#include <linux/netdev_features.h>

struct xenpv_netif_peer {
	bool sg, tso4, tso6, ip_csum, ipv6_csum;
};

/*
 * @wanted less the features in @negotiated that @peer did not offer;
 * features outside @negotiated pass unchanged.
 */
static inline netdev_features_t
xenpv_netif_fix_features(netdev_features_t wanted, netdev_features_t negotiated,
			 const struct xenpv_netif_peer *peer)
{
	netdev_features_t offered = 0;

	offered |= peer->sg ? NETIF_F_SG : 0;
	offered |= peer->tso4 ? NETIF_F_TSO : 0;
	offered |= peer->tso6 ? NETIF_F_TSO6 : 0;
	offered |= peer->ip_csum ? NETIF_F_IP_CSUM : 0;
	offered |= peer->ipv6_csum ? NETIF_F_IPV6_CSUM : 0;
	return wanted & (~negotiated | offered);
}

#endif /* XENPV_NETIF_OFFLOADS_H */
