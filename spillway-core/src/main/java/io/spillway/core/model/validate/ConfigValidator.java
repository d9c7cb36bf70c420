package io.spillway.core.model.validate;

import io.spillway.core.model.SpillwayConfig;

import java.util.List;

/**
 * The semantic rules of a configuration (SPEC P1): what a single field cannot show. Names
 * are unique and well formed, every reference resolves, spillover chains end (S4), each
 * monitor has what its type needs (M1), each vServer can actually be reached and fill (S1,
 * S3, S5), and the GSLB section fits its role (G1-G4). Types and ranges of single fields
 * are the reader's business; this class assumes them and reports every problem it finds,
 * each with the path of the field to fix.
 */
public final class ConfigValidator {

    private ConfigValidator() {
    }

    public static List<ConfigProblem> validate(SpillwayConfig config) {
        Findings out = new Findings();
        NameRules.check(config, out);
        MonitorRules.check(config, out);
        ServiceRules.check(config, out);
        VServerRules.check(config, out);
        ChainRules.check(config, out);
        ListenerRules.check(config, out);
        GslbRules.check(config, out);
        return out.list();
    }
}
