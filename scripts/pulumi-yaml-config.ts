/** Prints the `config:` block of Pulumi.yaml as the key table implies it. */
import * as YAML from "yaml";
import { pulumiYamlConfig } from "../config/projectConfig";

export { pulumiYamlConfig };

if (require.main === module) {
    process.stdout.write(YAML.stringify({ config: pulumiYamlConfig() }, { lineWidth: 0 }));
}
