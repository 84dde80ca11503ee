package io.mqttx.broker.security;

/** Password file lines made with the passwd tool at the real cost (210,000 iterations), so tests need not hash. */
final class PasswordFixtures {
    static final String ALICE_PASSWORD = "alice-secret";
    static final String ALICE = "alice:$pbkdf2-sha512$210000$PTR7WjMxhiUGT4rXQAYZEw==$ocPHNTZdAh3GIr/4R/+iTzrSMCrR+Qa"
            + "/MeLV6lk6/EUFo0yrw8Pf44uV/yIn9saN24mf5qzCSp4q6u99Cg3aCw==";
    static final String BOB_PASSWORD = "bob-secret";
    static final String BOB = "bob:$pbkdf2-sha512$210000$GRrkrxQn1rRXpHK4CgG3fw==$pvQcRjnBALEgolkzpvWkgm6wz6HRMnGflQ1c"
            + "6e3tlVgjDEhQ4g+0JE+1clr4Aql5uOv6IM+HbmRBIv1BvaIeVg==";

    private PasswordFixtures() {
    }
}
