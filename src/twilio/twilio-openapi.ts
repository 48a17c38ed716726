import { applyDecorators } from '@nestjs/common';
import {
  ApiBasicAuth,
  ApiConsumes,
  ApiExtraModels,
  ApiProperty,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { TWILIO_AUTH, TWILIO_TAG } from '../api/openapi';

/** Twilio's error body (https://www.twilio.com/docs/errors), for the document. */
export class TwilioErrorResponse {
  @ApiProperty({ example: 60200, description: "Twilio's error code" })
  code!: number;
  @ApiProperty({ example: 'Invalid parameter: To' })
  message!: string;
  @ApiProperty({ example: 'https://www.twilio.com/docs/errors/60200' })
  more_info!: string;
  @ApiProperty({ example: 400 })
  status!: number;
}

/** Tag, Basic auth and form bodies on a /v2 controller. */
export function TwilioApi(): ClassDecorator {
  return applyDecorators(
    ApiTags(TWILIO_TAG),
    ApiBasicAuth(TWILIO_AUTH),
    ApiConsumes('application/x-www-form-urlencoded'),
    ApiExtraModels(TwilioErrorResponse),
  ) as ClassDecorator;
}

/** Documents error answers: per HTTP status, the Twilio codes it may carry. */
export function TwilioErrors(answers: Record<number, number[]>): MethodDecorator {
  return applyDecorators(
    ...Object.entries(answers).map(([status, codes]) =>
      ApiResponse({
        status: Number(status),
        description: `Twilio error ${codes.join(', ')}`,
        content: { 'application/json': { schema: { $ref: getSchemaPath(TwilioErrorResponse) } } },
      }),
    ),
  );
}
