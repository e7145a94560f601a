/** A stateful fake of ECR's managed-signing status, behind aws-sdk-client-mock. */
import {
    DescribeImageSigningStatusCommand,
    DescribeImageSigningStatusCommandInput,
    ECRClient,
    ImageNotFoundException,
    ImageSigningStatus,
    RepositoryNotFoundException,
} from "@aws-sdk/client-ecr";
import { mockClient } from "aws-sdk-client-mock";

interface StoredImage {
    digest: string;
    tags: string[];
    statuses: ImageSigningStatus[];
}

export class FakeRegistry {
    private readonly repositories = new Map<string, StoredImage[]>();
    readonly calls: { region: string; input: DescribeImageSigningStatusCommandInput }[] = [];

    constructor(readonly accountId: string) {}

    private key(region: string, repository: string, registryId = this.accountId) {
        return `${registryId}/${region}/${repository}`;
    }

    push(region: string, repository: string, image: StoredImage): this {
        const key = this.key(region, repository);
        this.repositories.set(key, [...(this.repositories.get(key) ?? []), image]);
        return this;
    }

    describeImageSigningStatus(region: string, input: DescribeImageSigningStatusCommandInput) {
        this.calls.push({ region, input });
        const images = this.repositories.get(this.key(region, input.repositoryName!, input.registryId));
        if (!images) {
            throw new RepositoryNotFoundException({
                message: `The repository with name '${input.repositoryName}' does not exist in the registry with id '${input.registryId}'`,
                $metadata: {},
            });
        }
        const { imageDigest, imageTag } = input.imageId ?? {};
        const image = images.find((i) => (imageDigest ? i.digest === imageDigest : i.tags.includes(imageTag ?? "")));
        if (!image) {
            throw new ImageNotFoundException({
                message: `The image with imageId {imageDigest:'${imageDigest}', imageTag:'${imageTag}'} does not exist`,
                $metadata: {},
            });
        }
        return {
            repositoryName: input.repositoryName,
            registryId: input.registryId ?? this.accountId,
            imageId: { imageDigest: image.digest },
            signingStatuses: image.statuses,
        };
    }
}

/** Points every ECRClient at the fake; call the returned function to restore the real client. */
export function mockEcr(registry: FakeRegistry): () => void {
    const ecr = mockClient(ECRClient);
    ecr.on(DescribeImageSigningStatusCommand).callsFake(async (input, getClient) => {
        const region = (await getClient().config.region()) as string;
        return registry.describeImageSigningStatus(region, input);
    });
    return () => ecr.restore();
}
