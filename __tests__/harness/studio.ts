/**
 * A person in SageMaker Studio: a SageMaker client of the emulator at `url` with keys of
 * its own (STUDIO_KEY), so that a test tells the person's requests from the action's.
 */
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  SageMakerClient,
  UpdateModelPackageCommand,
  type CreateModelPackageInput,
  type UpdateModelPackageInput,
} from '@aws-sdk/client-sagemaker';

/** The access key of a person's requests (RecordedRequest.accessKeyId). */
export const STUDIO_KEY = 'AKIDSTUDIOPERSON';

export function studio(url: string) {
  const client = new SageMakerClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: STUDIO_KEY, secretAccessKey: 'secret' },
  });
  return {
    create: (input: CreateModelPackageInput) =>
      client.send(new CreateModelPackageCommand(input)).then((o) => o.ModelPackageArn!),
    update: (input: UpdateModelPackageInput) => client.send(new UpdateModelPackageCommand(input)),
    group: (name: string) =>
      client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: name })),
    destroy: () => client.destroy(),
  };
}
