/** The add-ons' rows of the key table (`addons.<name>.*`), each add-on's from its own folder, by add-on name. */
import { ADDON_CONFIGS } from "../../components/addons";

export { ADDON_CONFIGS };

type AddonKey = (typeof ADDON_CONFIGS)[number]["keys"][number];

export const ADDON_KEYS: readonly AddonKey[] = ADDON_CONFIGS.flatMap((addon): readonly AddonKey[] => addon.keys);
