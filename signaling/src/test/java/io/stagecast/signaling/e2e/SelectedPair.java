package io.stagecast.signaling.e2e;

import java.util.Map;

/**
 * The candidate pair a page's subscribing peer connection uses, from its getStats: the local
 * candidate's type ("host", "relay", ...) and protocol ("udp", "tcp"), the relay's protocol, and
 * the remote address. What a network test checks to know which path the media took.
 */
record SelectedPair(String localType, String localProtocol, String relayProtocol, String remote) {

    static SelectedPair of(NamespacedChromium browser) {
        Map<String, Object> pair = browser.asyncResult("const done = arguments[arguments.length - 1];"
                + "const pc = window.stagecast && window.stagecast.sub;"
                + "if (!pc) { done({}); return; }"
                + "pc.getStats().then(report => { let local = null, remote = null, pair = null;"
                + "report.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId); });"
                + "if (!pair) report.forEach(s => { if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s; });"
                + "if (pair) { local = report.get(pair.localCandidateId); remote = report.get(pair.remoteCandidateId); }"
                + "done({local: local ? local.candidateType : null, protocol: local ? local.protocol : null,"
                + " relay: local ? (local.relayProtocol || '') : '',"
                + " remote: remote ? remote.address + ':' + remote.port : null}); });");
        return new SelectedPair((String) pair.get("local"), (String) pair.get("protocol"), (String) pair.get("relay"),
                (String) pair.get("remote"));
    }
}
