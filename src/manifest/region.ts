/**
 * Region consistency (SPEC §2): a package is created in one region and its ECR images
 * must be pulled from there. Another region is an error for AWS Marketplace packages
 * and a warning otherwise.
 */
import type { Finding } from './findings.js';

const ECR_IMAGE = /^\d{12}\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\//;

/** The region of an ECR image URI, or undefined for other registries. */
function ecrImageRegion(image: string): string | undefined {
  return ECR_IMAGE.exec(image)?.[1];
}

function containersOf(
  value: Record<string, unknown>,
): { path: (string | number)[]; image: unknown }[] {
  const out: { path: (string | number)[]; image: unknown }[] = [];
  const collect = (containers: unknown, prefix: (string | number)[]) => {
    if (!Array.isArray(containers)) return;
    containers.forEach((container, i) => {
      if (container && typeof container === 'object') {
        out.push({
          path: [...prefix, i, 'Image'],
          image: (container as { Image?: unknown }).Image,
        });
      }
    });
  };
  const spec = value.InferenceSpecification as { Containers?: unknown } | undefined;
  collect(spec?.Containers, ['InferenceSpecification', 'Containers']);
  const additional = value.AdditionalInferenceSpecifications;
  if (Array.isArray(additional)) {
    additional.forEach((item, j) =>
      collect((item as { Containers?: unknown } | null)?.Containers, [
        'AdditionalInferenceSpecifications',
        j,
        'Containers',
      ]),
    );
  }
  return out;
}

export function checkImageRegions(value: unknown, region: string | undefined): Finding[] {
  if (!region || !value || typeof value !== 'object' || Array.isArray(value)) return [];
  const manifest = value as Record<string, unknown>;
  // AWS Marketplace lists unversioned packages; on a version the flag has no effect.
  const marketplace =
    manifest.CertifyForMarketplace === true && manifest.ModelPackageGroupName === undefined;
  const findings: Finding[] = [];
  for (const { path, image } of containersOf(manifest)) {
    if (typeof image !== 'string') continue;
    const imageRegion = ecrImageRegion(image);
    if (!imageRegion || imageRegion === region) continue;
    findings.push({
      severity: marketplace ? 'error' : 'warning',
      path,
      message: marketplace
        ? `the image is in ${imageRegion} but the package is created in ${region}; an AWS Marketplace package must use images from its own region (copy the image to ${region} or change the region)`
        : `the image is in ${imageRegion} but the package is created in ${region}; SageMaker pulls images from the package's region`,
    });
  }
  return findings;
}
