export interface AdoptIo { out: (line: string) => void; err: (line: string) => void; env: NodeJS.ProcessEnv }
export async function runAdopt(_args: string[], _io: AdoptIo): Promise<number> { return 1; }
