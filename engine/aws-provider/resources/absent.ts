/** A read that answers undefined where the service says the resource does not exist, in its own exception class. */
export function absentOn(notFound: abstract new (...args: never[]) => Error) {
    return async <T>(call: Promise<T>): Promise<T | undefined> => {
        try {
            return await call;
        } catch (error) {
            if (error instanceof notFound) {
                return undefined;
            }
            throw error;
        }
    };
}
