import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { InvalidRequest } from '../common/domain-error';

/** A JSON body must be an object: `[1]`, `"x"` or `null` get a clear 400 instead of puzzling validation messages. */
@Injectable()
export class JsonObjectBodyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' || value === undefined) return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InvalidRequest('The request body must be a JSON object.', [
        { field: 'body', message: 'must be a JSON object' },
      ]);
    }
    return value;
  }
}
