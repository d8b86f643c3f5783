package io.stagecast.sfu.dtls;

import io.stagecast.sfu.srtp.SrtpMasterKeys;

/**
 * Outcome of a {@link DtlsSession}. Calls come from the session's executor threads. A session makes
 * at most one terminal call: {@link #onFailed} if it never connected, otherwise at most one
 * {@link #onClosed} after {@link #onConnected}. A local {@link DtlsSession#close()} produces none.
 */
public interface DtlsListener {

    /** The handshake finished and the peer's certificate matched; keys are oriented for us. */
    void onConnected(SrtpMasterKeys keys);

    /** The handshake failed: timeout, fingerprint mismatch, no common SRTP profile, a fatal alert. */
    void onFailed(String reason, Throwable cause);

    /** After connecting: the peer sent close_notify or a fatal alert, or the association broke. */
    void onClosed();
}
