/** What every `container-insights` command writes to and reads its environment from; each command's io adds its seams. */
export interface CommandIo {
    out: (line: string) => void;
    err: (line: string) => void;
    env: NodeJS.ProcessEnv;
}
