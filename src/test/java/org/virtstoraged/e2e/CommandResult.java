package org.virtstoraged.e2e;

/** What a finished command printed and how it exited. */
record CommandResult(String stdout, String stderr, int exitCode) {
    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}
