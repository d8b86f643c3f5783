package io.stagecast.signaling.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The signature of a webhook delivery: HMAC-SHA256 (RFC 2104) over {@code timestamp + "." + body}
 * with the secret of an API key, as {@code v1=<lower-case hex>}. The timestamp (Unix seconds, sent in
 * {@link #TIMESTAMP}) is inside the signed text, so a receiver that refuses old timestamps refuses
 * replays; the key id ({@link #KEY_ID}) says which secret to check with, so keys rotate like join
 * tokens' keys. Each attempt is signed anew with its own timestamp.
 */
public final class WebhookSignature {
    public static final String EVENT_ID = "Stagecast-Webhook-Id";
    public static final String TIMESTAMP = "Stagecast-Webhook-Timestamp";
    public static final String KEY_ID = "Stagecast-Webhook-Key";
    public static final String SIGNATURE = "Stagecast-Webhook-Signature";
    static final String VERSION = "v1=";

    private WebhookSignature() {
    }

    public static String sign(byte[] secret, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return VERSION + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JRE", e);
        }
    }

    /**
     * What a receiver does: the signature matches (compared in constant time) and the timestamp is
     * within {@code toleranceSeconds} of {@code nowSeconds}.
     */
    public static boolean verify(byte[] secret, String timestampHeader, String signatureHeader, byte[] body,
                                 long nowSeconds, long toleranceSeconds) {
        if (timestampHeader == null || signatureHeader == null) {
            return false;
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
            return false;
        }
        byte[] expected = sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signatureHeader.getBytes(StandardCharsets.US_ASCII));
    }
}
