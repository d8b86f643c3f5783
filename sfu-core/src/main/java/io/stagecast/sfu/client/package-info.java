/**
 * The other end of a transport: {@link io.stagecast.sfu.client.SyntheticPeer}, a WebRTC endpoint
 * without a browser (ICE controlling agent, consent, DTLS-SRTP, SRTP) built from the node's own
 * protocol packages. Integration tests use it over loopback UDP; the load generator of the
 * benchmarks module runs many of them as viewers and publishers.
 */
package io.stagecast.sfu.client;
