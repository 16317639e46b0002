package dev.zumik.core.decision;

import java.util.List;

/**
 * The closed set of isolation and purge requirements a lane may declare, and capabilities a BYOC
 * profile may offer: {@code private-networking}, {@code region:<name>} (regional pinning) and
 * {@code runtime-confirmed-deletion}. Anything else is refused, so a typo or a free-text "because"
 * can never count as a reason to move.
 */
public final class Isolation {
    public static final String PRIVATE_NETWORKING = "private-networking";
    public static final String RUNTIME_CONFIRMED_DELETION = "runtime-confirmed-deletion";
    public static final String REGION_PREFIX = "region:";

    private Isolation() { }

    /** The word itself when it is in the closed set; else IllegalArgumentException saying what is allowed. */
    public static String check(final String word) {
        if (PRIVATE_NETWORKING.equals(word) || RUNTIME_CONFIRMED_DELETION.equals(word)
                || word != null && word.startsWith(REGION_PREFIX) && word.substring(REGION_PREFIX.length()).matches("[a-z0-9][a-z0-9-]*")) {
            return word;
        }
        throw new IllegalArgumentException("'" + word + "' is not an isolation requirement: give " + PRIVATE_NETWORKING + ", "
                + REGION_PREFIX + "<name> (e.g. region:eu-west-1) or " + RUNTIME_CONFIRMED_DELETION);
    }

    /** The required capabilities that {@code offered} lacks, in the order required. */
    public static List<String> missing(final List<String> required, final List<String> offered) {
        return required.stream().filter(r -> !offered.contains(r)).toList();
    }
}
