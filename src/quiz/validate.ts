import { quizSchema } from '../schemas/quiz.ts';

/**
 * The quiz schema with every rule that needs only the quiz itself.
 * Placeholder until the validation rules land: the shape alone is checked.
 */
export const quizDataSchema = quizSchema;
