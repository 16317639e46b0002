package dev.zumik.replay.client;

/** Why a replayed request failed; NONE when it succeeded. */
public enum ErrorClass {
    NONE,
    /** 429: rate limited. */
    RATE_LIMITED,
    /** 529 or 503: the backend says it is overloaded. */
    OVERLOADED,
    /** Any other 5xx. */
    SERVER_ERROR,
    /** 4xx other than 429: the request was refused (a replay bug or a wrong model/key). */
    CLIENT_ERROR,
    /** No connection could be made (after bounded retries). */
    CONNECT,
    /** No byte for longer than the idle timeout. */
    TIMEOUT,
    /** The stream broke off before it ended. */
    STREAM_DROPPED;

    public static ErrorClass ofStatus(final int status) {
        if (status >= 200 && status < 300) {
            return NONE;
        }
        if (status == 429) {
            return RATE_LIMITED;
        }
        if (status == 503 || status == 529) {
            return OVERLOADED;
        }
        return status >= 500 ? SERVER_ERROR : CLIENT_ERROR;
    }
}
