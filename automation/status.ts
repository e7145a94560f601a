export interface StatusIo { out: (line: string) => void; err: (line: string) => void; env: NodeJS.ProcessEnv }
export async function runStatus(_args: string[], _io: StatusIo): Promise<number> { return 1; }
