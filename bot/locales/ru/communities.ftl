## Communities: the bot in groups and channels, linking them to an organizer, posting purchases.

communities-welcome-group =
    Здравствуйте! Я бот совместных покупок.
    Администратор группы, который ведёт закупки, может привязать группу к своему профилю организатора кнопкой ниже; после этого закупки будут публиковаться здесь. Заказы и оплаты — только в личных сообщениях со мной.
communities-added-notice = Меня добавили в «{ $title }». Чтобы публиковать там закупки, привяжите сообщество к своему профилю: /link
communities-removed = Меня удалили из «{ $title }»: закупки туда больше не публикуются.
communities-taken-over = Администратор «{ $title }» привязал сообщество к другому организатору: публиковать туда закупки вы больше не можете.

communities-title = Ваши группы и каналы:
communities-entry-linked = { $number }. { $title } ({ $kind }) — привязано к вам
communities-entry-not-linked = { $number }. { $title } ({ $kind }) — не привязано
communities-hint = Привязать можно только сообщество, где вы администратор. Публикация закупки: /post
communities-none =
    Пока нет сообществ, которые можно привязать.
    Добавьте меня администратором в свою группу или канал и вернитесь сюда: /link. В группе можно также написать /link прямо там.
communities-unsupported = Группы и каналы здесь недоступны: привяжите их в Telegram или ВКонтакте.
communities-not-found = Сообщество не найдено или меня в нём больше нет. Откройте список заново: /link
communities-check-failed = Не получилось проверить ваши права в сообществе. Попробуйте ещё раз через минуту.
communities-not-admin = Привязать «{ $title }» может только его администратор. Попросите администратора или получите права и попробуйте снова.
communities-already-linked = «{ $title }» уже привязано к вашему профилю.
communities-linked = Готово: «{ $title }» привязано к организатору «{ $organizer }». Теперь туда можно публиковать закупки: /post
communities-unlinked = «{ $title }» отвязано от вашего профиля.

communities-choose-purchase = Какую закупку опубликовать?
communities-choose-community = Куда опубликовать «{ $title }»?
communities-no-open-purchases = Нет открытых закупок: опубликовать можно только закупку, которая принимает заказы.
communities-none-linked = У вас нет привязанных групп или каналов. Добавьте меня в сообщество администратором и привяжите его: /link
communities-purchase-not-found = Закупка не найдена среди ваших. Список: /mypurchases
communities-purchase-not-open = Закупка «{ $title }» сейчас не принимает заказы: опубликовать можно только открытую закупку.
communities-post-forbidden = Не могу публиковать в «{ $title }»: сделайте меня администратором с правом публикации сообщений и попробуйте снова.
communities-post-failed = Не получилось опубликовать пост. Попробуйте ещё раз через минуту.
communities-posted = Закупка «{ $title }» опубликована в «{ $community }» с кнопкой «Заказать».
communities-post-by-hand =
    ВКонтакте не разрешает боту публиковать записи на стене сообщества. Опубликуйте на стене «{ $community }» текст из следующего сообщения (фото можно добавить): я узнаю запись по ссылке «Заказать» в ней и привяжу её к закупке «{ $title }».
communities-post-picked-up = Запись на стене «{ $community }» привязана к закупке «{ $title }»: комментарии под ней попадают к покупателям в /comments, а комментарии-заказы приходят им на подтверждение.

communities-button-link = Привязать к моему профилю организатора
communities-button-link-to = Привязать: { $title }
communities-button-unlink = Отвязать: { $title }
communities-button-order = Заказать

cmd-link = привязать группу или канал
cmd-post = опубликовать закупку в сообществе
