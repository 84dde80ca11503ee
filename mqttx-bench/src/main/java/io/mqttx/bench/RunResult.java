package io.mqttx.bench;

/** How a run ended: the summary line, and what to tell the person who started it. */
public record RunResult(Status status, ResultLine line, String message) {

    public enum Status {
        /** Everything sent was acknowledged and delivered as expected. */
        OK(0),
        /** The run could not start or broke off (broker unreachable, connection dropped). */
        FAILED(1),
        /** The run finished its phases but messages or connections went missing. */
        INCOMPLETE(3);

        private final int exitCode;

        Status(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    public long get(String key) {
        return line.getLong(key);
    }
}
